"""The small database interface the SQL store is written against, and its SQLite side.

The mixins (bot/storage/*.py) write portable SQL with `?` placeholders and call five things on
`self.db`: `fetchone`, `fetchall`, `execute` (returns the row count), `executemany` and
`transaction()`. Where the two databases differ (an `IN` list's parameter, reading a JSON key,
`SKIP LOCKED`, what "busy" means, query plans) the SQL asks `db.dialect`: one object per
database, as Synapse's database engines do. `SqliteDatabase` is here; `PgDatabase` is in
bot/storage/pg.py.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Collection, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import aiosqlite

from bot.storage.base import StoreBusy

# A result row: readable as row[0] and as row["name"] (sqlite3.Row, or pg.Row).
Row = Any


class Dialect:
    """What differs between the databases, for the SQL the mixins write."""

    name = ""
    skip_locked = ""  # appended to a SELECT that claims rows for an UPDATE
    explain = "EXPLAIN"

    def in_list(self, column: str, values: Collection[Any]) -> tuple[str, Any]:
        """`column IN (values)` as SQL with one parameter, and that parameter."""
        raise NotImplementedError

    def json_text(self, column: str, key: str) -> str:
        """SQL reading a top-level key of a JSON text column (key: a constant identifier)."""
        raise NotImplementedError

    def json_set_one(self, column: str, key: str) -> str:
        """SQL for the JSON text of `column` with the top-level `key` set to 1."""
        raise NotImplementedError

    def indexed_by(self, index: str) -> str:
        """An index hint after a table name (SQLite's INDEXED BY; nothing elsewhere)."""
        return ""

    def plan_line(self, row: Row) -> str:
        """One line of a query plan as `explain` returned it."""
        return str(row[0])

    def is_busy(self, exc: BaseException) -> bool:
        """Whether `exc` means "another writer holds the lock: try again later"."""
        raise NotImplementedError


class SqliteDialect(Dialect):
    name = "sqlite"
    explain = "EXPLAIN QUERY PLAN"

    def in_list(self, column: str, values: Collection[Any]) -> tuple[str, Any]:
        return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(sorted(set(values)))

    def json_text(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"

    def json_set_one(self, column: str, key: str) -> str:
        return f"json_set({column}, '$.{key}', 1)"

    def indexed_by(self, index: str) -> str:
        return f" INDEXED BY {index}"

    def plan_line(self, row: Row) -> str:
        return str(row["detail"])

    def is_busy(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and (
            "locked" in str(exc) or "busy" in str(exc)
        )


SQLITE = SqliteDialect()


class Database(Protocol):
    """What the SQL store needs of a database. Statements outside `transaction()` commit on
    their own; inside it they run in the current task's transaction."""

    dialect: Dialect

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Runs one statement; how many rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int: ...

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """One write transaction, committed as a whole or rolled back; nested use by the same
        task joins the outer one. Raises StoreBusy when the database stayed busy."""
        ...

    async def fetchall_committed(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """One statement in its own write transaction (or the current task's), committed
        before this returns; its rows (RETURNING). As `transaction()` around `fetchall`."""
        ...

    async def executemany_committed(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """`executemany` in its own write transaction (or the current task's), committed
        before this returns. As `transaction()` around `executemany`."""
        ...

    @property
    def in_transaction(self) -> bool:
        """Whether the current task is inside `transaction()`."""
        ...

    @property
    def doomed(self) -> bool:
        """Whether the current transaction can only roll back (a statement of it failed, even
        if the error was caught): what it did will not be kept."""
        ...

    async def close(self) -> None: ...


class SqliteDatabase:
    """One aiosqlite connection (WAL) shared by every task of the process.

    Every write goes through `transaction()`: one writer at a time (a process-wide lock),
    BEGIN IMMEDIATE, committed as a whole or rolled back; without the lock one task's commit
    could land between the statements of another's change. Outside a transaction a statement
    commits on its own (autocommit).
    """

    dialect: Dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.connection = conn
        self.write_lock = asyncio.Lock()
        self._writer: asyncio.Task[object] | None = None

    @classmethod
    async def open(cls, path: str) -> SqliteDatabase:
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        return cls(conn)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.connection.execute_fetchall(sql, params)  # one trip to the thread
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self.connection.execute_fetchall(sql, params))

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = await self.connection.execute(sql, params)
        return int(cursor.rowcount)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        cursor = await self.connection.executemany(sql, rows)
        return int(cursor.rowcount)

    async def script(self, sql: str) -> None:
        """Runs several statements (no parameters) as they are (migrations)."""
        await self.connection.executescript(sql)

    @property
    def in_transaction(self) -> bool:
        return self._writer is not None and self._writer is asyncio.current_task()

    @property
    def doomed(self) -> bool:
        return False  # a failed statement leaves SQLite's transaction usable

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and self._writer is task:
            yield
            return
        async with self._as_writer():
            await self._begin_write()
            try:
                yield
                await self.connection.commit()
            except BaseException:
                await self.connection.rollback()
                raise

    @asynccontextmanager
    async def _as_writer(self) -> AsyncIterator[None]:
        """Holds the write lock as the current task's writer; "database is locked" (still
        busy after busy_timeout) becomes StoreBusy."""
        async with self.write_lock:
            self._writer = asyncio.current_task()
            try:
                yield
            except sqlite3.OperationalError as exc:
                if self.dialect.is_busy(exc):
                    raise StoreBusy(str(exc)) from exc
                raise
            finally:
                self._writer = None

    async def fetchall_committed(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """BEGIN IMMEDIATE, the statement and COMMIT in one trip to SQLite's thread, where
        `transaction()` makes three (the group commits' writes: bench/telegram_inbound.py)."""
        return await self._alone(sql, params, False)

    async def executemany_committed(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """As `fetchall_committed`, for `executemany`."""
        await self._alone(sql, rows, True)

    async def _alone(self, sql: str, params: Sequence[Any], many: bool) -> list[Row]:
        if self.in_transaction:  # joins the current task's transaction
            if many:
                await self.executemany(sql, params)
                return []
            return await self.fetchall(sql, params)
        async with self._as_writer():
            # aiosqlite's own way into its thread (untyped), as its execute uses it
            rows: list[Row] = await self.connection._execute(  # type: ignore[no-untyped-call]
                _write_alone, self.connection, sql, params, many
            )
            return rows

    async def _begin_write(self) -> None:
        """Takes SQLite's write lock up front, so a writer waits (busy_timeout) for another
        process instead of failing at once when its read snapshot went stale (WAL)."""
        if self.connection.in_transaction:
            return
        try:
            await self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            if not self.connection.in_transaction:
                raise

    async def close(self) -> None:
        await self.connection.close()


def _write_alone(
    connection: aiosqlite.Connection, sql: str, params: Sequence[Any], many: bool
) -> list[Row]:
    """In SQLite's thread: what `transaction()` around one statement does (BEGIN IMMEDIATE,
    unless a transaction is open already; the statement; COMMIT, or ROLLBACK if it failed)."""
    conn = connection._conn
    if not conn.in_transaction:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            if not conn.in_transaction:
                raise
    try:
        if many:
            conn.executemany(sql, params)
            rows: list[Row] = []
        else:
            rows = conn.execute(sql, params).fetchall()
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return rows
