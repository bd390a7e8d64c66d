"""The handoff inbox's SQL beyond open/take/reply/close (bot/storage/handoffs.py): each
handoff's last message, internal notes, saved replies per topic, agents on shift and
round-robin assignment, response times, the satisfaction answer, and what the bot already
knows and tried with the participant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.handoffs import _SELECT, Handoff, _handoff
from bot.storage.queries import QueryBase
from bot.storage.sql_base import from_ts, utc_ts


@dataclass(frozen=True)
class InboxRow:
    handoff: Handoff
    last_text: str | None
    last_author: str | None  # 'participant' or 'operator'
    last_at: datetime | None
    deadline_utc: datetime | None
    purchased: bool
    texts: tuple[str, ...]  # the participant's messages in this handoff (redacted)


@dataclass(frozen=True)
class Note:
    id: int
    operator: str
    text: str
    at: datetime


@dataclass(frozen=True)
class SavedReply:
    id: int
    topic: str
    title: str
    text: str


@dataclass(frozen=True)
class Timing:
    """One handoff's times, for response and resolution figures."""

    agent: str | None
    opened_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    satisfaction: str | None


class InboxMixin(QueryBase):
    """The inbox's list, notes, saved replies, shifts, assignment and figures."""

    async def inbox_rows(self, limit: int = 200) -> list[InboxRow]:
        """Open and taken handoffs with their last message (any order: the console sorts)."""
        rows = await self._all(
            "SELECT h.*, p.ref_code, p.channel, p.deadline_utc,"
            " EXISTS (SELECT 1 FROM progress g WHERE g.participant_id = p.id"
            "  AND g.item = 'purchase') AS purchased"
            " FROM handoffs h JOIN participants p ON p.id = h.participant_id"
            " WHERE h.state IN ('open', 'taken')"
            " ORDER BY COALESCE(h.waiting_since, h.opened_at), h.id LIMIT ?",
            (limit,),
        )
        messages: dict[int, list[tuple[str, str, str]]] = {int(r["id"]): [] for r in rows}
        if rows:
            marks = ", ".join("?" for _ in rows)
            for m in await self._all(
                "SELECT handoff_id, author, text, at FROM handoff_messages"
                f" WHERE handoff_id IN ({marks}) ORDER BY id",
                list(messages),
            ):
                messages[int(m[0])].append((str(m[1]), str(m[2]), str(m[3])))
        found = []
        for r in rows:
            said = messages[int(r["id"])]
            last = said[-1] if said else None
            found.append(
                InboxRow(
                    handoff=_handoff(r),
                    last_text=last[1] if last else None,
                    last_author=last[0] if last else None,
                    last_at=from_ts(last[2]) if last else None,
                    deadline_utc=from_ts(r["deadline_utc"]),
                    purchased=bool(r["purchased"]),
                    texts=tuple(text for author, text, _ in said if author == "participant"),
                )
            )
        return found

    # notes and saved replies ----------------------------------------------------------------

    async def add_note(self, handoff_id: int, operator: str, text: str, now: datetime) -> None:
        async with self.transaction():
            await self._run(
                "INSERT INTO handoff_notes (handoff_id, operator, text, at) VALUES (?, ?, ?, ?)",
                (handoff_id, operator, text, utc_ts(now)),
            )

    async def notes(self, handoff_id: int) -> list[Note]:
        return [
            Note(int(r[0]), str(r[1]), str(r[2]), datetime.fromisoformat(r[3]))
            for r in await self._all(
                "SELECT id, operator, text, at FROM handoff_notes WHERE handoff_id = ?"
                " ORDER BY id",
                (handoff_id,),
            )
        ]

    async def add_saved_reply(
        self, topic: str, title: str, text: str, operator: str, now: datetime
    ) -> int:
        async with self.transaction():
            row = await self._one(
                "INSERT INTO saved_replies (topic, title, text, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (topic, title, text, operator, utc_ts(now)),
            )
        assert row is not None
        return int(row[0])

    async def delete_saved_reply(self, reply_id: int) -> bool:
        async with self.transaction():
            changed = await self._run("DELETE FROM saved_replies WHERE id = ?", (reply_id,))
        return changed > 0

    async def saved_replies(self) -> list[SavedReply]:
        return [
            SavedReply(int(r[0]), str(r[1]), str(r[2]), str(r[3]))
            for r in await self._all(
                "SELECT id, topic, title, text FROM saved_replies ORDER BY topic, title, id"
            )
        ]

    # shifts and assignment -------------------------------------------------------------------

    async def agents_on_shift(self) -> list[tuple[str, int]]:
        """(name, active handoffs they have) of every operator on shift, by name."""
        return [
            (str(r[0]), int(r[1]))
            for r in await self._all(
                "SELECT o.name, (SELECT COUNT(*) FROM handoffs h WHERE h.taken_by = o.name"
                " AND h.state IN ('open', 'taken')) FROM operators o WHERE o.on_shift = 1"
                " ORDER BY o.name"
            )
        ]

    async def unassigned_handoffs(self, limit: int = 200) -> list[Handoff]:
        return [
            _handoff(r)
            for r in await self._all(
                f"{_SELECT} WHERE h.state = 'open' AND h.taken_by IS NULL"
                " ORDER BY COALESCE(h.waiting_since, h.opened_at), h.id LIMIT ?",
                (limit,),
            )
        ]

    async def assign_handoff(self, handoff_id: int, operator: str, now: datetime) -> bool:
        """Gives an open, unassigned handoff to `operator`; False if someone has it now."""
        async with self.transaction():
            changed = await self._run(
                "UPDATE handoffs SET state = 'taken', taken_by = ?, taken_at = ?"
                " WHERE id = ? AND state = 'open' AND taken_by IS NULL",
                (operator, utc_ts(now), handoff_id),
            )
        return changed > 0

    # figures and satisfaction ---------------------------------------------------------------

    async def handoff_timings(self, since: datetime) -> list[Timing]:
        """Handoffs opened from `since` on, with their times."""
        return [
            Timing(
                agent=r[0],
                opened_at=datetime.fromisoformat(r[1]),
                first_response_at=from_ts(r[2]),
                closed_at=from_ts(r[3]),
                satisfaction=r[4],
            )
            for r in await self._all(
                "SELECT COALESCE(closed_by, taken_by), opened_at, first_response_at, closed_at,"
                " satisfaction FROM handoffs WHERE opened_at >= ? ORDER BY opened_at",
                (utc_ts(since),),
            )
        ]

    async def rate_handoff(self, participant_id: int, answer: str, since: datetime) -> int | None:
        """Stores the satisfaction answer on the participant's last handoff closed from
        `since` on (the first answer counts); its id, or None if there is none to rate."""
        async with self.transaction():
            row = await self._one(
                "SELECT id FROM handoffs WHERE participant_id = ? AND state = 'closed'"
                " AND closed_at >= ? AND satisfaction IS NULL ORDER BY closed_at DESC LIMIT 1",
                (participant_id, utc_ts(since)),
            )
            if row is None:
                return None
            await self._run(
                "UPDATE handoffs SET satisfaction = ? WHERE id = ?", (answer, int(row[0]))
            )
        return int(row[0])

    # what the bot knows and tried ------------------------------------------------------------

    async def participant_story(self, participant_id: int, since: datetime) -> dict[str, Any]:
        """What the bot remembers (topic, step given, repeats, case, statuses pasted), the
        statuses the participant told it, the topics it guessed for what it did not
        understand, and their messages flagged as possible scams (what gave each away)."""
        story: dict[str, Any] = {"memory": None, "told": [], "unknown": [], "flagged": []}
        row = await self._one(
            "SELECT topic, question, repeats, data, updated_at FROM conversation_memory"
            " WHERE participant_id = ?",
            (participant_id,),
        )
        if row is not None:
            story["memory"] = {
                "topic": row[0],
                "question": row[1],
                "repeats": int(row[2]),
                "data": row[3],
                "at": from_ts(row[4]),
            }
        story["told"] = [
            (str(r[0]), str(r[1]), r[2], from_ts(r[3]))
            for r in await self._all(
                "SELECT item_key, status, partner, changed_at FROM benefit_history"
                " WHERE participant_id = ? AND source = 'participant' ORDER BY id DESC LIMIT 10",
                (participant_id,),
            )
        ]
        story["unknown"] = [
            (str(r[0]), from_ts(r[1]))
            for r in await self._all(
                "SELECT guesses, created_at FROM unknown_messages WHERE participant_id = ?"
                " AND created_at >= ? ORDER BY id DESC LIMIT 10",
                (participant_id, utc_ts(since)),
            )
        ]
        story["flagged"] = [
            (str(r[0]), from_ts(r[1]))
            for r in await self._all(
                "SELECT signs, created_at FROM flagged_messages WHERE participant_id = ?"
                " AND created_at >= ? ORDER BY id DESC LIMIT 10",
                (participant_id, utc_ts(since)),
            )
        ]
        return story
