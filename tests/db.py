"""Reading a test's database whole, on either store: its tables and every row as text."""

from __future__ import annotations

from bot.storage.store import SqlStore


async def tables(store: SqlStore) -> list[str]:
    """Every table of the schema."""
    if store.db.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = (
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema()"
        )
    return sorted(str(r[0]) for r in await store.db.fetchall(sql))


async def rows(store: SqlStore, table: str) -> list[dict[str, object]]:
    return [
        dict(zip(r.keys(), r, strict=True))
        for r in await store.db.fetchall(f"SELECT * FROM {table}")
    ]


async def dump(store: SqlStore) -> str:
    """Every row of every table, as text (what a secret must never be found in)."""
    lines = []
    for table in await tables(store):
        lines += [f"{table}: {row}" for row in await rows(store, table)]
    return "\n".join(lines)
