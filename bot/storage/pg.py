"""PostgreSQL's side of the database interface (bot/storage/database.py): its dialect and
`PgDatabase`, over a psycopg 3 async connection pool.

The mixins write portable SQL with `?` placeholders; here each `?` becomes `%s` once per
statement (cached), results are read whole (statements are short), and a statement runs on
the connection of the current `transaction()` (a context variable) or, outside one, on a
connection borrowed from the pool for that statement (autocommit). Rows are readable by name
and by index, like sqlite3's. Prepared statements are off (`prepare_threshold=None`), so
PgBouncer in transaction mode works.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator, Collection, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool

from bot.storage.base import StoreBusy, StoreUnavailable
from bot.storage.database import Dialect

Conn = psycopg.AsyncConnection[Any]


class Row(Sequence[Any]):
    """One result row, readable as `row[0]` and as `row["name"]` (like sqlite3.Row)."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def row_factory(cursor: psycopg.AsyncCursor[Any]) -> RowMaker[Row]:
    """psycopg's row factory protocol: column names once per result, read from the result
    itself (`cursor.description` builds a Column object per column: a sixth of the CPU of a
    message's statements)."""
    result = cursor.pgresult
    fields = result.nfields if result is not None else 0
    assert result is not None or not fields
    index = {(result.fname(i) or b"").decode(): i for i in range(fields)} if result else {}

    def make(values: Sequence[Any]) -> Row:
        return Row(values, index)

    return make


_translated: dict[str, str] = {}


def literal(text: str) -> str:
    """A string as an SQL literal (standard_conforming_strings, PostgreSQL's default)."""
    if "\x00" in text:
        raise ValueError("NUL in an SQL literal")
    return "'" + text.replace("'", "''") + "'"


def translate(sql: str) -> str:
    """`?` placeholders to psycopg's `%s` (and a literal `%` to `%%`), outside quotes."""
    cached = _translated.get(sql)
    if cached is not None:
        return cached
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
            out.append("%%" if char == "%" else char)
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    text = "".join(out)
    if len(_translated) < 10_000:
        _translated[sql] = text
    return text


class PostgresDialect(Dialect):
    name = "postgres"
    skip_locked = " FOR UPDATE SKIP LOCKED"  # rows another instance is claiming are skipped

    def in_list(self, column: str, values: Collection[Any]) -> tuple[str, Any]:
        return f"{column} = ANY(?)", sorted(set(values))

    def json_text(self, column: str, key: str) -> str:
        return f"(CAST({column} AS jsonb) ->> '{key}')"

    def json_set_one(self, column: str, key: str) -> str:
        return f"CAST(jsonb_set(CAST({column} AS jsonb), '{{{key}}}', '1') AS text)"

    def is_busy(self, exc: BaseException) -> bool:
        # a lock not granted in time, or the server unreachable for now
        return isinstance(exc, psycopg.errors.LockNotAvailable | psycopg.OperationalError)


POSTGRES = PostgresDialect()


class PgDatabase:
    """The `Database` (bot/storage/database.py) over a psycopg pool: many transactions at once,
    each on a pooled connection, found by a context variable."""

    dialect: Dialect = POSTGRES

    def __init__(
        self,
        pool: AsyncConnectionPool[Conn],
        conninfo: str = "",
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.pool = pool
        self.conninfo = conninfo
        self.kwargs = kwargs or {}
        self._current: contextvars.ContextVar[Conn | None] = contextvars.ContextVar(
            f"pg_tx_{id(self)}", default=None
        )
        self._failed: set[int] = set()  # transactions a nested part of failed in
        self._serial: contextvars.ContextVar[int] = contextvars.ContextVar(
            f"pg_unit_{id(self)}", default=0
        )
        self._units = 0

    @classmethod
    async def connect(
        cls, conninfo: str, *, min_size: int = 2, max_size: int = 10, options: str = ""
    ) -> PgDatabase:
        kwargs: dict[str, Any] = {
            "autocommit": True,
            "prepare_threshold": None,
            "row_factory": row_factory,
        }
        if options:
            kwargs["options"] = options
        try:  # one plain attempt first: its error says why (refused, no such database, auth)
            probe = await psycopg.AsyncConnection.connect(conninfo, connect_timeout=10, **kwargs)
        except psycopg.Error as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise StoreUnavailable(f"cannot connect to PostgreSQL: {reason}") from None
        await probe.close()
        pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            kwargs=kwargs,
            open=False,
            timeout=30.0,
            name="prakerja",
        )
        await pool.open(wait=True, timeout=30.0)
        return cls(pool, conninfo, kwargs)

    async def dedicated(self) -> Conn:
        """A connection of its own, outside the pool (for session advisory locks)."""
        return await psycopg.AsyncConnection.connect(self.conninfo, **self.kwargs)

    @property
    def in_transaction(self) -> bool:
        return self._current.get() is not None

    @property
    def doomed(self) -> bool:
        current = self._current.get()
        return current is not None and id(current) in self._failed

    @property
    def unit(self) -> int:
        """A number naming the current (outer) transaction; 0 outside one."""
        return self._serial.get() if self._current.get() is not None else 0

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Conn]:
        """The current transaction's connection, or one borrowed from the pool meanwhile."""
        current = self._current.get()
        if current is not None:
            yield current
            return
        async with self.pool.connection() as conn:
            yield conn

    @asynccontextmanager
    async def transaction(self, opening: str = "") -> AsyncIterator[None]:
        """One transaction on one connection; statements meanwhile (in this task and the tasks
        it starts) run on it. Nested use joins the outer transaction; if a nested one fails,
        the outer one rolls back at its end even if the error was caught in between. A lock
        not granted or the server gone is StoreBusy.

        `opening`: SQL without parameters sent with the BEGIN in the same round trip (e.g. an
        advisory lock)."""
        try:
            async with self._transaction(opening):
                yield
        except psycopg.Error as exc:
            if self.dialect.is_busy(exc):
                raise StoreBusy(str(exc)) from exc
            raise

    @asynccontextmanager
    async def _transaction(self, opening: str) -> AsyncIterator[None]:
        current = self._current.get()
        if current is not None:
            try:
                yield
            except BaseException:
                self._failed.add(id(current))
                raise
            return
        async with self.pool.connection() as conn:
            await conn.execute(f"BEGIN;{opening}".encode())  # no parameters: one round trip
            token = self._current.set(conn)
            self._units += 1
            serial = self._serial.set(self._units)
            try:
                yield
            except BaseException:
                with contextlib.suppress(psycopg.Error):  # a broken connection: the pool drops it
                    await conn.execute(b"ROLLBACK")
                raise
            else:
                await conn.execute(b"ROLLBACK" if id(conn) in self._failed else b"COMMIT")
            finally:
                self._current.reset(token)
                self._serial.reset(serial)
                self._failed.discard(id(conn))

    async def _run(self, sql: str, params: Sequence[Any]) -> tuple[list[Row], int]:
        conn = self._current.get()
        if conn is not None:
            try:
                return await self._on(conn, sql, params)
            except psycopg.Error:
                self._failed.add(id(conn))  # the transaction is aborted: it can only roll back
                raise
        async with self.pool.connection() as borrowed:
            return await self._on(borrowed, sql, params)

    @staticmethod
    async def _on(conn: Conn, sql: str, params: Sequence[Any]) -> tuple[list[Row], int]:
        cursor = conn.cursor()
        await cursor.execute(translate(sql), tuple(params) or None)
        result = cursor.pgresult
        rows = await cursor.fetchall() if result is not None and result.nfields else []
        return rows, cursor.rowcount

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows, _ = await self._run(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        rows, _ = await self._run(sql, params)
        return rows

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        _, count = await self._run(sql, params)
        return count

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        batch = [tuple(p) for p in rows]
        if not batch:
            return 0
        async with self.connection() as conn:
            cursor = conn.cursor()
            await cursor.executemany(translate(sql), batch)
            return cursor.rowcount

    async def fetchall_committed(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self.transaction():
            return await self.fetchall(sql, params)

    async def executemany_committed(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        async with self.transaction():
            await self.executemany(sql, rows)

    async def script(self, sql: str) -> None:
        """Runs a script of several statements (no parameters) as it is."""
        async with self.connection() as conn:
            await conn.execute(sql.encode())  # bytes: no placeholder parsing

    async def close(self) -> None:
        await self.pool.close()
