"""Inbound bookkeeping (SQL): update ids already processed, WhatsApp statuses already applied,
and deleting every such row of one participant (/hapus)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import aiosqlite

from bot.storage.sqlite_base import SqliteBase, ts

_Claim = tuple[tuple[str, str, str | None, str | None], "asyncio.Future[bool]"]
_CLAIMS_AT_ONCE = 500  # rows per INSERT (4 parameters each, far below SQLite's limit)


class InboundMixin(SqliteBase):
    """Portable SQL: the PostgreSQL store can share these statements."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        super().__init__(db)
        self._claims: list[_Claim] = []
        self._claimer: asyncio.Task[None] | None = None

    async def claim_update(
        self, channel: str, update_id: str, user_id: str | None, now: datetime
    ) -> bool:
        """Records an update id; False if it was already processed (a platform retry).

        Claims arriving meanwhile share one write transaction (group commit, as for
        participant updates): one transaction per update cost a third of the bot's CPU in
        bench/telegram_inbound.py."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._claims.append(((channel, update_id, user_id, ts(now)), future))
        if self._claimer is None or self._claimer.done():
            self._claimer = asyncio.create_task(self._flush_claims())
        return await future

    async def _flush_claims(self) -> None:
        while self._claims:
            batch, self._claims = self._claims, []
            try:
                claimed: list[bool] = []
                async with self.transaction():
                    for start in range(0, len(batch), _CLAIMS_AT_ONCE):
                        claimed += await self._insert_claims(
                            batch[start : start + _CLAIMS_AT_ONCE]
                        )
            except asyncio.CancelledError:
                for _, future in batch + self._claims:
                    future.cancel()
                self._claims = []
                raise
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), won in zip(batch, claimed, strict=True):
                if not future.done():
                    future.set_result(won)

    async def _insert_claims(self, batch: list[_Claim]) -> list[bool]:
        """One INSERT for the batch (one round trip to the database, where a statement per
        claim made three: bench/telegram_inbound.py); the same id twice: the first wins."""
        values = ", ".join("(?, ?, ?, ?)" for _ in batch)
        rows = await self.db.execute_fetchall(
            "INSERT INTO inbound_updates (channel, update_id, user_id, received_at)"
            f" VALUES {values} ON CONFLICT (channel, update_id) DO NOTHING"
            " RETURNING channel, update_id",
            [value for row, _ in batch for value in row],
        )
        inserted = {(str(r[0]), str(r[1])) for r in rows}
        won = []
        for (channel, update_id, _, _), _ in batch:
            won.append((channel, update_id) in inserted)
            inserted.discard((channel, update_id))  # a second claim of the same id loses
        return won

    async def release_update(self, channel: str, update_id: str) -> None:
        """Forgets a claimed update whose handling failed, so the platform's retry is handled."""
        async with self.transaction():
            await self.db.execute(
                "DELETE FROM inbound_updates WHERE channel = ? AND update_id = ?",
                (channel, update_id),
            )

    async def prune_updates(self, before: datetime) -> int:
        """Forgets processed update ids and applied statuses older than `before` (a day)."""
        async with self.transaction():
            cursor = await self.db.execute(
                "DELETE FROM inbound_updates WHERE received_at < ?", (ts(before),)
            )
            pruned = cursor.rowcount
            cursor = await self.db.execute(
                "DELETE FROM whatsapp_statuses_seen WHERE received_at < ?", (ts(before),)
            )
        return pruned + cursor.rowcount

    async def claim_status(
        self, wamid: str, status: str, at: datetime, user_id: str | None, now: datetime
    ) -> bool:
        """Records one delivery status (message id + status + timestamp); False for a replay."""
        async with self.transaction():
            cursor = await self.db.execute(
                "INSERT INTO whatsapp_statuses_seen (wamid, status, at, user_id, received_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (wamid, status, at) DO NOTHING"
                " RETURNING wamid",
                (wamid, status, ts(at), user_id, ts(now)),
            )
            claimed = await cursor.fetchone() is not None
            await cursor.close()
        return claimed

    async def _delete_inbound_rows(self, channel: str, user_ids: set[str]) -> None:
        """Inside the caller's transaction: every id row naming one of `user_ids`."""
        for user_id in user_ids:
            await self.db.execute(
                "DELETE FROM inbound_updates WHERE channel = ? AND user_id = ?",
                (channel, user_id),
            )
            if channel == "whatsapp":
                for table in ("whatsapp_inbound", "whatsapp_sent", "whatsapp_statuses_seen"):
                    await self.db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
