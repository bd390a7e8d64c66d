"""Inbound bookkeeping (SQL): update ids already processed, WhatsApp statuses already applied,
and deleting every such row of one participant (/hapus)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.storage.database import Database, Row
from bot.storage.group_commit import GroupCommit
from bot.storage.sql_base import SqlBase, ts

_ClaimRow = tuple[str, str, str | None, str | None]
_CLAIMS_AT_ONCE = 500  # rows per INSERT (4 parameters each, far below SQLite's limit)


class InboundMixin(SqlBase):
    """Portable SQL: the PostgreSQL store can share these statements."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self._claims: GroupCommit[_ClaimRow, bool] = GroupCommit(
            self._write_claims, most=_CLAIMS_AT_ONCE
        )

    async def claim_update(
        self, channel: str, update_id: str, user_id: str | None, now: datetime
    ) -> bool:
        """Records an update id; False if it was already processed (a platform retry).

        Claims arriving meanwhile share one write transaction (group commit, as for
        participant updates): one transaction per update cost a third of the bot's CPU in
        bench/telegram_inbound.py."""
        return await self._claims.submit((channel, update_id, user_id, ts(now)))

    async def _write_claims(self, rows: Sequence[_ClaimRow]) -> list[bool]:
        """One INSERT of up to 500 claims, BEGIN and COMMIT in the same trip (a statement per
        claim made three: bench/telegram_inbound.py); the same id twice: the first wins."""
        sql, params = _claims_insert(rows)
        return _claimed(rows, await self.db.fetchall_committed(sql, params))

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
            updates = await self.db.execute(
                "DELETE FROM inbound_updates WHERE received_at < ?", (ts(before),)
            )
            statuses = await self.db.execute(
                "DELETE FROM whatsapp_statuses_seen WHERE received_at < ?", (ts(before),)
            )
        return updates + statuses

    async def claim_status(
        self, wamid: str, status: str, at: datetime, user_id: str | None, now: datetime
    ) -> bool:
        """Records one delivery status (message id + status + timestamp); False for a replay."""
        async with self.transaction():
            claimed = (
                await self.db.fetchone(
                    "INSERT INTO whatsapp_statuses_seen (wamid, status, at, user_id, received_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (wamid, status, at) DO NOTHING"
                    " RETURNING wamid",
                    (wamid, status, ts(at), user_id, ts(now)),
                )
                is not None
            )
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


def _claims_insert(batch: Sequence[_ClaimRow]) -> tuple[str, list[str | None]]:
    """The INSERT of a batch of claims, returning the ones that were new."""
    values = ", ".join("(?, ?, ?, ?)" for _ in batch)
    sql = (
        "INSERT INTO inbound_updates (channel, update_id, user_id, received_at)"
        f" VALUES {values} ON CONFLICT (channel, update_id) DO NOTHING"
        " RETURNING channel, update_id"
    )
    return sql, [value for row in batch for value in row]


def _claimed(batch: Sequence[_ClaimRow], found: Sequence[Row]) -> list[bool]:
    """Whether each claim of the batch was new; the same id twice: the first wins."""
    inserted = {(str(r[0]), str(r[1])) for r in found}
    claimed: list[bool] = []
    for channel, update_id, _, _ in batch:
        claimed.append((channel, update_id) in inserted)
        inserted.discard((channel, update_id))  # a second claim of it loses
    return claimed
