"""The connection, the one write transaction, and the time helpers every SQLite mixin shares."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.core.locks import KeyedLocks
from bot.storage.base import StoreBusy


def ts(moment: datetime | None) -> str | None:
    """A moment as stored text, in UTC (so stored times compare as text whatever zone the
    caller's moment was in: "midnight WIB" is 17:00 UTC the day before)."""
    if moment is None:
        return None
    return (moment.astimezone(UTC) if moment.tzinfo is not None else moment).isoformat()


def utc_ts(moment: datetime) -> str:
    """A moment as stored text, converted to UTC first."""
    return moment.astimezone(UTC).isoformat()


def from_ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class SqliteBase:
    """Holds the connection; each topic's SQL lives in a mixin built on this.

    All coroutines share one connection, so every write goes through `transaction()`: one
    writer at a time, BEGIN IMMEDIATE, committed as a whole or rolled back. Without it, one
    coroutine's commit could land between the statements of another's change.

    The PostgreSQL store (bot/storage/postgres.py) reuses every mixin over another `db`
    (bot/storage/pg.py) and overrides `transaction()`; the few statements that must differ
    look at `dialect` ("sqlite" or "postgres").
    """

    dialect = "sqlite"

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self._write_lock = asyncio.Lock()
        self._writer: asyncio.Task[object] | None = None
        # what this run's outbox claims carry in `claimed_by` (set by bot/storage/instances.py)
        self.instance_token: str | None = None
        self.instance_id: str | None = None
        self._participant_locks = KeyedLocks()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One write transaction; nested use by the same task joins the outer one."""
        task = asyncio.current_task()
        if task is not None and self._writer is task:
            yield
            return
        async with self._write_lock:
            self._writer = task
            try:
                await self._begin_write()
                try:
                    yield
                    await self.db.commit()
                except BaseException:
                    await self.db.rollback()
                    raise
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise StoreBusy(str(exc)) from exc
                raise
            finally:
                self._writer = None

    def _in_transaction(self) -> bool:
        """Whether the current task is inside `transaction()`."""
        return self._writer is not None and self._writer is asyncio.current_task()

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        """The first row of a portable query, on either store (rows by name and index)."""
        async with self.db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """Every row of a portable query, on either store."""
        async with self.db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    def _in_list(self, column: str, values: Collection[Any]) -> tuple[str, Any]:
        """`column IN (values)` as SQL with one parameter, and that parameter."""
        ordered = sorted(set(values))
        if self.dialect == "postgres":
            return f"{column} = ANY(?)", ordered
        return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(ordered)

    def _json_flag(self, column: str, key: str) -> str:
        """SQL reading a top-level key of a JSON text column (key: a constant identifier)."""
        if self.dialect == "postgres":
            return f"(CAST({column} AS jsonb) ->> '{key}')"
        return f"json_extract({column}, '$.{key}')"

    async def _begin_write(self) -> None:
        """Takes SQLite's write lock up front, so a writer waits (busy_timeout) for another
        process instead of failing at once when its read snapshot went stale (WAL)."""
        if self.db.in_transaction:
            return
        try:
            await self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            if not self.db.in_transaction:
                raise
