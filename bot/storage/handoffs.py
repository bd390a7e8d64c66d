"""Handoffs to a person (SQL): open → taken → closed, with the redacted conversation.

Closing one puts the participant back on the menu step (the bot answers again). An agent's
reply is written together with its outbox row (kind `handoff`), so nothing is half-sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.sql_base import SqlBase, from_ts, utc_ts

ACTIVE = ("open", "taken")


@dataclass(frozen=True)
class Handoff:
    id: int
    participant_id: int
    ref_code: str
    channel: str
    state: str
    reason: str
    opened_at: datetime
    waiting_since: datetime | None
    taken_by: str | None
    closed_at: datetime | None

    def waiting_s(self, now: datetime) -> int | None:
        """Seconds the participant has waited for an answer (None: nothing unanswered)."""
        if self.state == "closed" or self.waiting_since is None:
            return None
        return max(0, int((now - self.waiting_since).total_seconds()))


@dataclass(frozen=True)
class HandoffMessage:
    id: int
    author: str  # 'participant' or 'operator'
    operator: str | None
    text: str
    at: datetime


_SELECT = (
    "SELECT h.*, p.ref_code, p.channel FROM handoffs h"
    " JOIN participants p ON p.id = h.participant_id"
)


def _handoff(r: Any) -> Handoff:
    return Handoff(
        id=r["id"],
        participant_id=r["participant_id"],
        ref_code=r["ref_code"],
        channel=r["channel"],
        state=r["state"],
        reason=r["reason"],
        opened_at=datetime.fromisoformat(r["opened_at"]),
        waiting_since=from_ts(r["waiting_since"]),
        taken_by=r["taken_by"],
        closed_at=from_ts(r["closed_at"]),
    )


class HandoffMixin(SqlBase):
    """Handoff operations of the SQL store (either database)."""

    async def open_handoff(self, participant_id: int, reason: str, now: datetime) -> int:
        """The participant's active handoff, or a new open one; returns its id."""
        async with self.transaction():
            current = await self.current_handoff(participant_id)
            if current is not None:
                return current
            row = await self.db.fetchone(
                "INSERT INTO handoffs (participant_id, reason, opened_at, waiting_since)"
                " VALUES (?, ?, ?, ?) RETURNING id",
                (participant_id, reason, utc_ts(now), utc_ts(now)),
            )
        assert row is not None
        return int(row[0])

    async def current_handoff(self, participant_id: int) -> int | None:
        """The id of the participant's open or taken handoff, if any."""
        row = await self.db.fetchone(
            "SELECT id FROM handoffs WHERE participant_id = ? AND state IN ('open', 'taken')"
            " ORDER BY id DESC LIMIT 1",
            (participant_id,),
        )
        return int(row[0]) if row else None

    async def leave_handoff(self, participant_id: int, now: datetime) -> bool:
        """The participant ended their talk with the team (/batal): their open or taken
        handoff is closed by them, with no notice sent. False when none was open."""
        async with self.transaction():
            changed = await self.db.execute(
                "UPDATE handoffs SET state = 'closed', closed_by = 'participant', closed_at = ?,"
                " waiting_since = NULL WHERE participant_id = ? AND state IN ('open', 'taken')",
                (utc_ts(now), participant_id),
            )
        return bool(changed)

    async def add_handoff_message(self, handoff_id: int, text: str, now: datetime) -> None:
        """Keeps a participant's (redacted) message; they wait from their first unanswered one."""
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO handoff_messages (handoff_id, author, text, at)"
                " VALUES (?, 'participant', ?, ?)",
                (handoff_id, text, utc_ts(now)),
            )
            await self.db.execute(
                "UPDATE handoffs SET waiting_since = COALESCE(waiting_since, ?) WHERE id = ?",
                (utc_ts(now), handoff_id),
            )

    async def handoff(self, handoff_id: int) -> Handoff | None:
        row = await self.db.fetchone(f"{_SELECT} WHERE h.id = ?", (handoff_id,))
        return _handoff(row) if row else None

    async def active_handoffs(self, limit: int = 200) -> list[Handoff]:
        """Open and taken handoffs, the longest waiting first."""
        return [
            _handoff(r)
            for r in await self.db.fetchall(
                f"{_SELECT} WHERE h.state IN ('open', 'taken')"
                " ORDER BY COALESCE(h.waiting_since, h.opened_at), h.id LIMIT ?",
                (limit,),
            )
        ]

    async def count_active_handoffs(self) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM handoffs WHERE state IN ('open', 'taken')"
        )
        return int(row[0]) if row else 0

    async def participant_handoffs(self, participant_id: int) -> list[Handoff]:
        return [
            _handoff(r)
            for r in await self.db.fetchall(
                f"{_SELECT} WHERE h.participant_id = ? ORDER BY h.id DESC", (participant_id,)
            )
        ]

    async def handoff_messages(self, handoff_id: int) -> list[HandoffMessage]:
        return [
            HandoffMessage(
                r["id"], r["author"], r["operator"], r["text"], datetime.fromisoformat(r["at"])
            )
            for r in await self.db.fetchall(
                "SELECT * FROM handoff_messages WHERE handoff_id = ? ORDER BY id", (handoff_id,)
            )
        ]

    async def take_handoff(self, handoff_id: int, operator: str, now: datetime) -> bool:
        """Assigns an open (or someone else's taken) handoff to `operator`."""
        async with self.transaction():
            changed = await self.db.execute(
                "UPDATE handoffs SET state = 'taken', taken_by = ?, taken_at = ?"
                " WHERE id = ? AND state IN ('open', 'taken')",
                (operator, utc_ts(now), handoff_id),
            )
        return changed > 0

    async def reply_handoff(
        self, handoff_id: int, operator: str, text: str, now: datetime
    ) -> bool:
        """Stores the agent's reply and its outbox row (kind `handoff`, due now); takes the
        handoff if nobody had. False if the handoff is closed or gone."""
        async with self.transaction():
            found = await self.handoff(handoff_id)
            if found is None or found.state == "closed":
                return False
            row = await self.db.fetchone(
                "INSERT INTO handoff_messages (handoff_id, author, operator, text, at)"
                " VALUES (?, 'operator', ?, ?, ?) RETURNING id",
                (handoff_id, operator, text, utc_ts(now)),
            )
            assert row is not None
            await self.db.execute(
                "UPDATE handoffs SET waiting_since = NULL, state = 'taken',"
                " taken_by = COALESCE(taken_by, ?), taken_at = COALESCE(taken_at, ?),"
                " first_response_at = COALESCE(first_response_at, ?) WHERE id = ?",
                (operator, utc_ts(now), utc_ts(now), handoff_id),
            )
            await self._enqueue_handoff(found, {"handoff": handoff_id, "text": text}, row[0], now)
        return True

    async def close_handoff(self, handoff_id: int, operator: str, now: datetime) -> bool:
        """Closes the handoff, tells the participant the bot is back, puts them on the menu
        step. False if it was already closed or is gone."""
        async with self.transaction():
            found = await self.handoff(handoff_id)
            if found is None or found.state == "closed":
                return False
            await self.db.execute(
                "UPDATE handoffs SET state = 'closed', closed_by = ?, closed_at = ?,"
                " waiting_since = NULL WHERE id = ?",
                (operator, utc_ts(now), handoff_id),
            )
            await self.db.execute(
                "UPDATE participants SET step = 'menu' WHERE id = ? AND step = 'handoff'",
                (found.participant_id,),
            )
            await self._enqueue_handoff(found, {"handoff": handoff_id, "closed": True}, "end", now)
        return True

    async def _enqueue_handoff(
        self, found: Handoff, payload: dict[str, Any], tag: object, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO outbox (participant_id, channel, kind, due_at, payload,"
            " idempotency_key, created_at) SELECT id, channel, 'handoff', ?, ?, ?, ?"
            " FROM participants WHERE id = ? ON CONFLICT (idempotency_key) DO NOTHING",
            (
                utc_ts(now),
                json.dumps(payload),
                f"handoff:{found.id}:{tag}",
                utc_ts(now),
                found.participant_id,
            ),
        )
