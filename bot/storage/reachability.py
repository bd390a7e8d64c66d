"""Whether a participant can still be reached on their channel (SQL)."""

from __future__ import annotations

from bot.storage.sql_base import SqlBase


class ReachabilityMixin(SqlBase):
    """Marks participants who blocked the bot, and cancels what was waiting for them."""

    async def set_unreachable(self, channel: str, user_id: str, flag: bool) -> bool:
        """Sets the participant's `unreachable` flag; True if such a participant exists.

        Marking unreachable also cancels their pending outbox rows in the same transaction:
        nothing queued for someone who blocked the bot can ever be delivered.
        """
        async with self.transaction():
            row = await self.db.fetchone(
                "UPDATE participants SET unreachable = ? WHERE channel = ? AND user_id = ?"
                " RETURNING id",
                (int(flag), channel, user_id),
            )
            if row is not None and flag:
                await self.db.execute(
                    "UPDATE outbox SET state = 'cancelled', last_error = 'unreachable'"
                    " WHERE participant_id = ? AND state = 'pending'",
                    (row[0],),
                )
        return row is not None
