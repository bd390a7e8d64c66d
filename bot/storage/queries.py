"""Three short names for the newer mixins (access, inbox, reports): one row, all rows, a
statement's row count, on the store's database (bot/storage/database.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.storage.sql_base import SqlBase


class QueryBase(SqlBase):
    async def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return await self.db.fetchone(sql, params)

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return await self.db.fetchall(sql, params)

    async def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Runs a statement (inside the caller's transaction); how many rows it changed."""
        return await self.db.execute(sql, params)
