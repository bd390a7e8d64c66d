"""The outbox rows (SQL): what the bot will send on its own initiative."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.sqlite_base import SqliteBase, ts


class OutboxMixin(SqliteBase):
    """Outbox operations of the SQLite store."""

    async def enqueue(
        self,
        participant_id: int,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        key: str,
        *,
        now: datetime,
        commit: bool = True,
    ) -> bool:
        """Adds a pending row; False (and nothing changed) if `key` was already used."""
        try:
            await self.db.execute(
                "INSERT INTO outbox (participant_id, kind, due_at, payload, idempotency_key,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (participant_id, kind, ts(due_at), json.dumps(payload), key, ts(now)),
            )
        except aiosqlite.IntegrityError:
            return False
        if commit:
            await self.db.commit()
        return True
