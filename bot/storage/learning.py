"""What operators teach the knowledge base (examples attached to entries, reloads asked for)
and what participants say of its answers ("did this help?"), in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.base import FeedbackAsk, UnknownMessage
from bot.storage.memory import UNKNOWN_COLUMNS, unknown_message
from bot.storage.queries import QueryBase
from bot.storage.sql_base import from_ts, ts


@dataclass(frozen=True)
class TaughtExample:
    """A redacted message an operator attached to a knowledge-base entry."""

    id: int
    locale: str
    entry_id: str
    text: str
    unknown_id: int | None
    operator: str
    created_at: datetime


@dataclass(frozen=True)
class KbVersion:
    """A reload an operator asked for: the models learn the examples up to `upto`."""

    version: int
    upto: int
    operator: str
    requested_at: datetime


@dataclass(frozen=True)
class Disliked:
    """An answer and its votes over a period, with the messages given a thumbs down."""

    answer: str
    down: int
    up: int
    messages: tuple[tuple[datetime, str], ...]


_EXAMPLE_COLUMNS = "id, locale, entry_id, text, unknown_id, operator, created_at"


def _example(row: Any) -> TaughtExample:
    created = from_ts(row[6])
    assert created is not None
    return TaughtExample(
        id=int(row[0]),
        locale=str(row[1]),
        entry_id=str(row[2]),
        text=str(row[3]),
        unknown_id=int(row[4]) if row[4] is not None else None,
        operator=str(row[5]),
        created_at=created,
    )


class LearningMixin(QueryBase):
    """The console's teaching (examples, reloads) and the participants' votes (through the
    query helpers of bot/storage/queries.py)."""

    # examples attached to entries ---------------------------------------------------------

    async def attach_example(
        self,
        locale: str,
        entry_id: str,
        text: str,
        operator: str,
        now: datetime,
        unknown_id: int | None = None,
    ) -> int:
        """Stores a (redacted) example for the entry; the same text in the same locale is
        moved to this entry. Returns the example's id."""
        async with self.transaction():
            row = await self._one(
                "INSERT INTO kb_examples"
                " (locale, entry_id, text, unknown_id, operator, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (locale, text) DO UPDATE SET entry_id = excluded.entry_id,"
                " unknown_id = excluded.unknown_id, operator = excluded.operator,"
                " created_at = excluded.created_at"
                " RETURNING id",
                (locale, entry_id, text, unknown_id, operator, ts(now)),
            )
        assert row is not None
        return int(row[0])

    async def remove_example(self, example_id: int) -> bool:
        """Forgets an attached example (the models drop it at the next reload)."""
        async with self.transaction():
            removed = await self._run("DELETE FROM kb_examples WHERE id = ?", (example_id,))
        return removed > 0

    async def taught_examples(self, upto: int | None = None) -> list[TaughtExample]:
        """The attached examples (those with an id up to `upto`), oldest first."""
        rows = await self._all(
            f"SELECT {_EXAMPLE_COLUMNS} FROM kb_examples WHERE id <= ? ORDER BY id",
            (upto if upto is not None else 2**62,),
        )
        return [_example(row) for row in rows]

    async def examples_of_unknown(self, unknown_ids: list[int]) -> dict[int, TaughtExample]:
        """The example each of these not-understood messages became, if any."""
        if not unknown_ids:
            return {}
        marks = ", ".join("?" for _ in unknown_ids)
        rows = await self._all(
            f"SELECT {_EXAMPLE_COLUMNS} FROM kb_examples WHERE unknown_id IN ({marks})",
            tuple(unknown_ids),
        )
        found = [_example(row) for row in rows]
        return {e.unknown_id: e for e in found if e.unknown_id is not None}

    async def unknown_by_id(self, message_id: int) -> UnknownMessage | None:
        """One kept not-understood message."""
        row = await self._one(
            f"SELECT {UNKNOWN_COLUMNS} FROM unknown_messages WHERE id = ?", (message_id,)
        )
        return unknown_message(row) if row is not None else None

    # reloads ------------------------------------------------------------------------------

    async def request_kb_version(self, operator: str, now: datetime) -> KbVersion:
        """A new version of the models: the examples attached so far, for every instance."""
        async with self.transaction():
            row = await self._one(
                "INSERT INTO kb_versions (version, upto, operator, requested_at)"
                " SELECT COALESCE((SELECT MAX(version) FROM kb_versions), 0) + 1,"
                " COALESCE((SELECT MAX(id) FROM kb_examples), 0), ?, ?"
                " RETURNING version, upto",
                (operator, ts(now)),
            )
        assert row is not None
        return KbVersion(int(row[0]), int(row[1]), operator, now)

    async def kb_version(self) -> KbVersion | None:
        """The newest version asked for, or None before the first reload."""
        row = await self._one(
            "SELECT version, upto, operator, requested_at FROM kb_versions"
            " ORDER BY version DESC LIMIT 1"
        )
        if row is None:
            return None
        requested = from_ts(row[3])
        assert requested is not None
        return KbVersion(int(row[0]), int(row[1]), str(row[2]), requested)

    # "did this help?" ----------------------------------------------------------------------

    async def feedback_ask(self, participant_id: int) -> FeedbackAsk | None:
        """The last question asked of the participant, if any."""
        row = await self._one(
            "SELECT answer, text, asked_at, voted FROM feedback_asks WHERE participant_id = ?",
            (participant_id,),
        )
        if row is None:
            return None
        asked = from_ts(row[2])
        assert asked is not None
        return FeedbackAsk(str(row[0]), row[1], asked, bool(row[3]))

    async def ask_feedback(
        self, participant_id: int, answer: str, text: str | None, now: datetime
    ) -> None:
        """Records the question (replacing the last one and the message it kept)."""
        async with self.transaction():
            await self._run(
                "INSERT INTO feedback_asks (participant_id, answer, text, asked_at, voted)"
                " VALUES (?, ?, ?, ?, 0) ON CONFLICT (participant_id) DO UPDATE SET"
                " answer = excluded.answer, text = excluded.text,"
                " asked_at = excluded.asked_at, voted = 0",
                (participant_id, answer, text, ts(now)),
            )

    async def vote_feedback(
        self, participant_id: int, answer: str, helpful: bool, now: datetime
    ) -> bool:
        """Stores the vote on the question last asked about `answer` (the message only with
        a thumbs down) and forgets the kept message; False if there is no such unanswered
        question (an old button, a second tap)."""
        async with self.transaction():
            row = await self._one(
                "SELECT text FROM feedback_asks"
                " WHERE participant_id = ? AND answer = ? AND voted = 0",
                (participant_id, answer),
            )
            if row is None:
                return False
            await self._run(
                "UPDATE feedback_asks SET voted = 1, text = NULL WHERE participant_id = ?",
                (participant_id,),
            )
            await self._run(
                "INSERT INTO feedback (participant_id, answer, helpful, text, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (participant_id, answer, int(helpful), None if helpful else row[0], ts(now)),
            )
        return True

    async def most_disliked(
        self, since: datetime, limit: int = 20, messages: int = 5
    ) -> list[Disliked]:
        """The answers with the most thumbs down from `since` on (ties: fewest up), each
        with its newest thumbs-down messages."""
        counts = await self._all(
            "SELECT answer, SUM(1 - helpful), SUM(helpful) FROM feedback"
            " WHERE created_at >= ? GROUP BY answer HAVING SUM(1 - helpful) > 0"
            " ORDER BY SUM(1 - helpful) DESC, SUM(helpful), answer LIMIT ?",
            (ts(since), limit),
        )
        found = []
        for row in counts:
            answer, down, up = str(row[0]), int(row[1]), int(row[2])
            rows = await self._all(
                "SELECT created_at, text FROM feedback WHERE answer = ? AND helpful = 0"
                " AND created_at >= ? AND text IS NOT NULL ORDER BY created_at DESC, id DESC"
                " LIMIT ?",
                (answer, ts(since), messages),
            )
            said = tuple((moment, str(r[1])) for r in rows if (moment := from_ts(r[0])))
            found.append(Disliked(answer, down, up, said))
        return found

    async def purge_feedback(self, before: datetime) -> int:
        """Forgets the messages kept with votes and questions older than `before` (the votes
        stay, as counts); how many messages went."""
        async with self.transaction():
            voted = await self._run(
                "UPDATE feedback SET text = NULL WHERE created_at < ? AND text IS NOT NULL",
                (ts(before),),
            )
            asked = await self._run(
                "DELETE FROM feedback_asks WHERE asked_at < ? AND text IS NOT NULL",
                (ts(before),),
            )
            await self._run("DELETE FROM feedback_asks WHERE asked_at < ?", (ts(before),))
        return max(voted, 0) + max(asked, 0)

    async def feedback_totals(self, since: datetime) -> tuple[int, int]:
        """Thumbs up and thumbs down from `since` on."""
        row = await self._one(
            "SELECT COALESCE(SUM(helpful), 0), COALESCE(SUM(1 - helpful), 0) FROM feedback"
            " WHERE created_at >= ?",
            (ts(since),),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)
