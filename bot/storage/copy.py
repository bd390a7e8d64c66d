"""Copies every table between two databases (SQLite -> PostgreSQL and back) in batches.

Both ends are migrated to the newest schema first (by opening their stores), so they hold the
same tables. Tables go parents first (foreign keys), each read in key order and written in
batches of `batch` rows, one transaction per batch; a row already in the target (same key) is
skipped, which is what makes `resume` safe after an interruption. At the end the row counts of
every table must match, and PostgreSQL's identity sequences are moved past the copied ids.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import psycopg

from bot.core.database_url import DatabaseUrl, parse_database_url
from bot.storage import open_store

# Bookkeeping of a running deployment, not data: never copied. funnel_counts is kept by the
# target's own triggers as the participants, progress and benefit rows arrive (migration 0013).
SKIPPED = {"schema_version", "instances", "funnel_counts"}


class CopyError(Exception):
    """The copy cannot start or did not end with the same rows on both sides."""


class _Db(Protocol):
    kind: str

    def tables(self) -> list[str]: ...
    def columns(self, table: str) -> list[str]: ...
    def key(self, table: str) -> list[str]: ...
    def parents(self, table: str) -> set[str]: ...
    def count(self, table: str) -> int: ...
    def rows(self, table: str, columns: Sequence[str], batch: int) -> Iterator[list[Any]]: ...
    def insert(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None: ...
    def finish(self) -> None: ...
    def close(self) -> None: ...


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _insert_sql(table: str, columns: Sequence[str], mark: str, key: Sequence[str]) -> str:
    names = ", ".join(_quote(c) for c in columns)
    marks = ", ".join(mark for _ in columns)
    conflict = f" ON CONFLICT ({', '.join(_quote(k) for k in key)}) DO NOTHING" if key else ""
    return f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks}){conflict}"


class _Sqlite:
    kind = "sqlite"

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA foreign_keys=OFF")  # tables arrive parents first anyway

    def tables(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY rowid"
        )
        return [r[0] for r in rows]

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.conn.execute(f"PRAGMA table_info({_quote(table)})")]

    def key(self, table: str) -> list[str]:
        info = sorted(
            (r[5], r[1]) for r in self.conn.execute(f"PRAGMA table_info({_quote(table)})") if r[5]
        )
        if info:
            return [name for _, name in info]
        for index in self.conn.execute(f"PRAGMA index_list({_quote(table)})"):
            if index[2]:  # unique
                return [r[2] for r in self.conn.execute(f"PRAGMA index_info({_quote(index[1])})")]
        return []

    def parents(self, table: str) -> set[str]:
        rows = self.conn.execute(f"PRAGMA foreign_key_list({_quote(table)})")
        return {r[2] for r in rows} - {table}

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {_quote(table)}").fetchone()[0])

    def rows(self, table: str, columns: Sequence[str], batch: int) -> Iterator[list[Any]]:
        order = ", ".join(_quote(k) for k in self.key(table)) or "rowid"
        names = ", ".join(_quote(c) for c in columns)
        cursor = self.conn.execute(f"SELECT {names} FROM {_quote(table)} ORDER BY {order}")
        while chunk := cursor.fetchmany(batch):
            yield [list(r) for r in chunk]

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        with self.conn:
            self.conn.executemany(_insert_sql(table, columns, "?", self.key(table)), rows)

    def finish(self) -> None:
        return None

    def close(self) -> None:
        self.conn.close()


class _Postgres:
    kind = "postgres"

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(
            url, autocommit=True, prepare_threshold=None, connect_timeout=10
        )

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def tables(self) -> list[str]:
        rows = self._all(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            " ORDER BY table_name"
        )
        return [r[0] for r in rows]

    def columns(self, table: str) -> list[str]:
        rows = self._all(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            (table,),
        )
        return [r[0] for r in rows]

    def _constraint_columns(self, table: str, kinds: str) -> list[str]:
        rows = self._all(
            "SELECT a.attname FROM pg_constraint c"
            " JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(num, pos) ON true"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num"
            " WHERE c.conrelid = to_regclass(%s) AND c.contype = %s"
            " ORDER BY c.oid, k.pos",
            (_quote(table), kinds),
        )
        return [r[0] for r in rows]

    def key(self, table: str) -> list[str]:
        return self._constraint_columns(table, "p")

    def parents(self, table: str) -> set[str]:
        rows = self._all(
            "SELECT confrelid::regclass::text FROM pg_constraint"
            " WHERE conrelid = to_regclass(%s) AND contype = 'f'",
            (_quote(table),),
        )
        return {r[0].strip('"').rsplit(".", 1)[-1] for r in rows} - {table}

    def count(self, table: str) -> int:
        return int(self._all(f"SELECT COUNT(*) FROM {_quote(table)}")[0][0])

    def rows(self, table: str, columns: Sequence[str], batch: int) -> Iterator[list[Any]]:
        order = ", ".join(_quote(k) for k in self.key(table)) or "ctid"
        names = ", ".join(_quote(c) for c in columns)
        with self.conn.transaction(), self.conn.cursor(name=f"copy_{table}") as cursor:
            cursor.itersize = batch
            cursor.execute(f"SELECT {names} FROM {_quote(table)} ORDER BY {order}")
            while chunk := cursor.fetchmany(batch):
                yield [list(r) for r in chunk]

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        with self.conn.transaction(), self.conn.cursor() as cursor:
            cursor.executemany(_insert_sql(table, columns, "%s", self.key(table)), rows)

    def finish(self) -> None:
        """Identity columns continue after the highest copied id."""
        rows = self._all(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'"
        )
        for table, column in rows:
            top = f"MAX({_quote(column)})"
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE({top}, 1),"
                f" {top} IS NOT NULL) FROM {_quote(table)}",
                (_quote(table), column),
            )

    def close(self) -> None:
        self.conn.close()


def _open(url: DatabaseUrl) -> _Db:
    return _Sqlite(url.target) if url.kind == "sqlite" else _Postgres(url.target)


def _holding(db: _Db, tables: Sequence[str]) -> list[str]:
    """The tables that already hold rows (bookkeeping tables aside)."""
    return [t for t in tables if t not in SKIPPED and db.count(t)]


def _busy_error(tables: Sequence[str]) -> CopyError:
    return CopyError(
        f"the target already holds rows (in {', '.join(tables)}); copy into an empty"
        " database, or pass --resume to go on with an interrupted copy"
    )


def _refuse_filled_target(at: DatabaseUrl) -> None:
    """Before the target is migrated (or created): a database that holds data is refused
    untouched. A SQLite file that does not exist yet is empty."""
    if at.kind == "sqlite" and not Path(at.target).is_file():
        return
    try:
        with closing(_open(at)) as target:
            busy = _holding(target, target.tables())
    except (sqlite3.Error, psycopg.Error) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise CopyError(f"cannot open the target {at.safe}: {reason}") from None
    if busy:
        raise _busy_error(busy)


async def upgrade(database_url: str) -> None:
    """Brings the database to the newest schema (the same as at start)."""
    store = await open_store(database_url, pool_size=1)
    await store.close()


def ordered(db: _Db, tables: Sequence[str]) -> list[str]:
    """Parents before the tables that reference them."""
    wanted, done, order = set(tables), set[str](), list[str]()

    def visit(table: str, path: tuple[str, ...]) -> None:
        if table in done or table in path:
            return
        for parent in sorted(db.parents(table) & wanted):
            visit(parent, (*path, table))
        done.add(table)
        order.append(table)

    for table in tables:
        visit(table, ())
    return order


@dataclass
class CopyReport:
    tables: dict[str, int]  # rows per table in both databases after the copy


def copy_database(
    source_url: str,
    target_url: str,
    *,
    resume: bool = False,
    batch: int = 5000,
    progress: Callable[[int, int, str], None] | None = None,
) -> CopyReport:
    """Copies every table; `progress(done, total, table)` after each batch. Raises CopyError
    if the target already holds rows (unless `resume`) or the counts differ at the end."""
    source_at, target_at = parse_database_url(source_url), parse_database_url(target_url)
    if source_at == target_at:
        raise CopyError("source and target are the same database")
    if source_at.kind == "sqlite" and not Path(source_at.target).is_file():
        raise CopyError(f"no SQLite database at {source_at.target}")
    asyncio.run(upgrade(source_url))
    if not resume:
        _refuse_filled_target(target_at)
    asyncio.run(upgrade(target_url))
    with closing(_open(source_at)) as source, closing(_open(target_at)) as target:
        target_tables = set(target.tables())
        tables = [t for t in source.tables() if t not in SKIPPED and t in target_tables]
        missing = [t for t in source.tables() if t not in SKIPPED and t not in target_tables]
        if missing:
            raise CopyError(f"the target has no table {', '.join(missing)}")
        busy = _holding(target, tables)
        if busy and not resume:
            raise _busy_error(busy)
        counts = {t: source.count(t) for t in tables}
        total, done = sum(counts.values()), 0
        for table in ordered(source, tables):
            wanted = set(target.columns(table))
            columns = [c for c in source.columns(table) if c in wanted]
            for rows in source.rows(table, columns, batch):
                target.insert(table, columns, rows)
                done += len(rows)
                if progress is not None:
                    progress(done, total, table)
        target.finish()
        after = {t: target.count(t) for t in tables}
        wrong = {t: (counts[t], after[t]) for t in tables if counts[t] != after[t]}
        if wrong:
            detail = ", ".join(f"{t}: {a} in source, {b} in target" for t, (a, b) in wrong.items())
            raise CopyError(f"row counts differ after the copy ({detail})")
        return CopyReport(after)
