"""Three small query helpers for the newer mixins (access, inbox, reports): one row, all
rows, a statement's row count. They are the only place those mixins touch the connection's
own API, so moving them onto another database interface changes these three methods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.storage.sqlite_base import SqliteBase


class QueryBase(SqliteBase):
    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        async with self.db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        async with self.db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Runs a statement (inside the caller's transaction); how many rows it changed."""
        cursor = await self.db.execute(sql, params)
        return int(cursor.rowcount)
