"""Messages flagged as scams (redacted) and messages the bot cannot read, counted (SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.sql_base import SqlBase, from_ts, ts


@dataclass(frozen=True)
class FlaggedMessage:
    """A message the scam check flagged, redacted, with what gave it away."""

    id: int
    participant_id: int
    text: str
    signs: tuple[str, ...]
    forwarded: bool
    created_at: datetime


def _flagged(row: Any) -> FlaggedMessage:
    created = from_ts(row[5])
    assert created is not None
    return FlaggedMessage(
        id=int(row[0]),
        participant_id=int(row[1]),
        text=str(row[2]),
        signs=tuple(s for s in str(row[3]).split(",") if s),
        forwarded=bool(row[4]),
        created_at=created,
    )


class FlaggedMixin(SqlBase):
    """The console's "Flagged" page and the overview's count of unreadable messages."""

    async def record_flagged(
        self,
        participant_id: int,
        text: str,
        signs: Sequence[str],
        forwarded: bool,
        now: datetime,
    ) -> None:
        """Keeps a flagged message (already redacted) for the operator."""
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO flagged_messages"
                " (participant_id, text, signs, forwarded, created_at) VALUES (?, ?, ?, ?, ?)",
                (participant_id, text, ",".join(signs), int(forwarded), ts(now)),
            )

    async def list_flagged(self, limit: int, since: datetime) -> list[FlaggedMessage]:
        """The flagged messages from `since` on, newest first."""
        return [
            _flagged(row)
            for row in await self.db.fetchall(
                "SELECT id, participant_id, text, signs, forwarded, created_at"
                " FROM flagged_messages"
                " WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?",
                (ts(since), limit),
            )
        ]

    async def flagged_times(self, since: datetime) -> list[datetime]:
        """When each message flagged from `since` on came (to count them per local day)."""
        return [
            moment
            for row in await self.db.fetchall(
                "SELECT created_at FROM flagged_messages WHERE created_at >= ?", (ts(since),)
            )
            if (moment := from_ts(row[0])) is not None
        ]

    async def record_media(self, kind: str, now: datetime) -> None:
        """Counts one message the bot cannot read (a voice note, a sticker...)."""
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO media_messages (kind, created_at) VALUES (?, ?)", (kind, ts(now))
            )

    async def count_media(self, since: datetime) -> dict[str, int]:
        """Messages the bot cannot read from `since` on, per kind."""
        return {
            str(row[0]): int(row[1])
            for row in await self.db.fetchall(
                "SELECT kind, COUNT(*) FROM media_messages WHERE created_at >= ? GROUP BY kind",
                (ts(since),),
            )
        }
