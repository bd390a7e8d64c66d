"""One migration history for both databases: both end with the same tables, columns and
indexes, a dialect override exists only where the SQL differs, and a database migrated at any
earlier commit of main upgrades to the same schema (the migrations landed out of number order
once: 0006 and 0008 before 0005 and 0007)."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

import psycopg
import pytest

from bot.storage.migrations import migrations
from bot.storage.postgres import PostgresStore
from bot.storage.sqlite import SqliteStore
from tests.pg import PG_URL, pg_schema, pg_store

# The migrations a database held at each commit of main where the set changed, oldest first
# (`git log --first-parent main -- bot/storage/migrations`).
HISTORY: list[tuple[int, ...]] = [
    (1,),
    (1, 2),
    (1, 2, 3, 4),
    (1, 2, 3, 4, 6),
    (1, 2, 3, 4, 6, 8),
    (1, 2, 3, 4, 5, 6, 8),
    (1, 2, 3, 4, 5, 6, 7, 8),
    (1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11),
    (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
]

Schema = dict[str, object]


async def sqlite_schema(store: SqliteStore) -> Schema:
    db = store.db
    tables = [
        str(r[0])
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    columns = {
        t: sorted(str(r[1]) for r in await db.fetchall(f"PRAGMA table_info({t})")) for t in tables
    }
    indexes = sorted(
        (str(r[1]), str(r[0]))
        for r in await db.fetchall(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"
            " AND name NOT LIKE 'sqlite_autoindex%'"
        )
    )
    return {"columns": columns, "indexes": indexes}


async def pg_schema_of(store: PostgresStore) -> Schema:
    db = store.db
    columns: dict[str, list[str]] = {}
    for r in await db.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
    ):
        columns.setdefault(str(r[0]), []).append(str(r[1]))
    indexes = sorted(  # the indexes created as such, not those behind a key or UNIQUE
        (str(r[1]), str(r[0]))
        for r in await db.fetchall(
            "SELECT i.relname, t.relname FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        )
    )
    return {"columns": {t: sorted(c) for t, c in columns.items()}, "indexes": indexes}


async def fresh_sqlite(path: Path) -> Schema:
    store = await SqliteStore.open(str(path))
    try:
        return await sqlite_schema(store)
    finally:
        await store.close()


async def fresh_pg() -> Schema:
    async with pg_schema() as schema:
        store = await pg_store(schema)
        try:
            return await pg_schema_of(store)
        finally:
            await store.close()


async def test_both_databases_end_with_the_same_tables_columns_and_indexes(
    tmp_path: Path,
) -> None:
    lite = await fresh_sqlite(tmp_path / "fresh.db")
    assert await fresh_pg() == lite
    assert "schema_version" in lite["columns"]  # type: ignore[operator]


def test_a_dialect_override_differs_from_the_shared_file() -> None:
    folder = resources.files("bot.storage.migrations")
    shared = {e.name: e.read_text("utf-8") for e in folder.iterdir() if e.name.endswith(".sql")}
    overrides = [e for e in folder.joinpath("postgres").iterdir() if e.name.endswith(".sql")]
    assert overrides, "PostgreSQL has overrides (its types differ)"
    for entry in overrides:
        assert entry.name in shared, f"postgres/{entry.name} overrides no shared migration"
        assert entry.read_text("utf-8") != shared[entry.name], f"postgres/{entry.name} is a copy"
    assert len({v for v, _, _ in migrations("postgres")}) == len(shared)


@pytest.mark.parametrize("held", HISTORY, ids=lambda held: "+".join(map(str, held)))
async def test_a_sqlite_file_of_an_earlier_commit_upgrades(
    tmp_path: Path, held: tuple[int, ...]
) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:  # as the code of that commit left it: user_version only
        for version, _, sql in migrations("sqlite"):
            if version in held:
                old.executescript(f"BEGIN;\n{sql}\nCOMMIT;")
        old.execute(f"PRAGMA user_version = {max(held)}")
    old.close()
    store = await SqliteStore.open(str(path))
    try:
        upgraded = await sqlite_schema(store)
        recorded = [
            int(r[0])
            for r in await store.db.fetchall("SELECT version FROM schema_version ORDER BY version")
        ]
    finally:
        await store.close()
    assert upgraded == await fresh_sqlite(tmp_path / "fresh.db")
    assert recorded == [v for v, _, _ in migrations("sqlite")]
    again = await SqliteStore.open(str(path))  # nothing left to apply: nothing fails
    await again.close()


@pytest.mark.parametrize("held", HISTORY, ids=lambda held: "+".join(map(str, held)))
async def test_a_postgres_schema_of_an_earlier_commit_upgrades(held: tuple[int, ...]) -> None:
    async with pg_schema() as schema:
        async with await psycopg.AsyncConnection.connect(
            PG_URL, autocommit=True, options=f"-c search_path={schema}"
        ) as old:  # as the code of that commit left it: one row per version applied
            await old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            for version, _, sql in migrations("postgres"):
                if version in held:
                    async with old.transaction():
                        await old.execute(sql.encode())
                        await old.execute(
                            "INSERT INTO schema_version (version) VALUES (%s)", (version,)
                        )
        store = await pg_store(schema)
        try:
            upgraded = await pg_schema_of(store)
            recorded = [
                int(r[0])
                for r in await store.db.fetchall(
                    "SELECT version FROM schema_version ORDER BY version"
                )
            ]
        finally:
            await store.close()
    assert upgraded == await fresh_pg()
    assert recorded == [v for v, _, _ in migrations("postgres")]
