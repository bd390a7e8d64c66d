"""The connection, the one write transaction, and the time helpers every SQLite mixin shares."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import aiosqlite

from bot.storage.base import StoreBusy


def ts(moment: datetime | None) -> str | None:
    """A UTC moment as stored text."""
    return None if moment is None else moment.isoformat()


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
    """

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self._write_lock = asyncio.Lock()
        self._writer: asyncio.Task[object] | None = None

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
