"""Conversation memory and the messages the bot did not understand (SQL)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.core.domain import Option
from bot.storage.base import Memory, UnknownMessage
from bot.storage.sql_base import SqlBase, from_ts, ts


def _guesses(raw: str) -> tuple[tuple[str, float], ...]:
    try:
        found = json.loads(raw)
    except ValueError:
        return ()
    return tuple((str(name), float(score)) for name, score in found)


def unknown_message(row: Any) -> UnknownMessage:
    created = from_ts(row[5])
    assert created is not None
    return UnknownMessage(
        id=int(row[0]),
        participant_id=int(row[1]),
        text=str(row[2]),
        guesses=_guesses(row[3]),
        step=str(row[4]),
        created_at=created,
        label=row[6],
    )


UNKNOWN_COLUMNS = "id, participant_id, text, guesses, step, created_at, label"


class MemoryMixin(SqlBase):
    """What the bot remembers of a conversation, and what it did not understand."""

    async def get_memory(self, participant_id: int) -> Memory | None:
        """The participant's conversation memory as last saved (however old), or None."""
        row = await self.db.fetchone(
            "SELECT topic, question, repeats, data, updated_at FROM conversation_memory"
            " WHERE participant_id = ?",
            (participant_id,),
        )
        if row is None:
            return None
        try:
            data = json.loads(row[3])
        except ValueError:
            data = {}
        updated = from_ts(row[4])
        assert updated is not None
        return Memory(
            topic=row[0],
            question=row[1],
            repeats=int(row[2]),
            data=data if isinstance(data, dict) else {},
            updated_at=updated,
        )

    async def save_memory(self, participant_id: int, memory: Memory) -> None:
        """Replaces the participant's conversation memory."""
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO conversation_memory"
                " (participant_id, topic, question, repeats, data, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (participant_id) DO UPDATE SET"
                " topic = excluded.topic, question = excluded.question,"
                " repeats = excluded.repeats, data = excluded.data,"
                " updated_at = excluded.updated_at",
                (
                    participant_id,
                    memory.topic,
                    memory.question,
                    memory.repeats,
                    json.dumps(memory.data, ensure_ascii=False),
                    ts(memory.updated_at),
                ),
            )

    async def save_shown_options(
        self, channel: str, user_id: str, options: Sequence[Option], now: datetime
    ) -> None:
        """Keeps the choices the participant's chat shows now (none: numbers are text again);
        nothing if there is no such participant."""
        payload = json.dumps([[o.id, o.label] for o in options], ensure_ascii=False)
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO shown_options (participant_id, options, shown_at)"
                " SELECT id, ?, ? FROM participants WHERE channel = ? AND user_id = ?"
                " ON CONFLICT (participant_id) DO UPDATE SET"
                " options = excluded.options, shown_at = excluded.shown_at",
                (payload, ts(now), channel, user_id),
            )

    async def shown_options(self, channel: str, user_id: str) -> tuple[Option, ...]:
        """The choices the participant's chat showed last (kept by `save_shown_options`)."""
        row = await self.db.fetchone(
            "SELECT s.options FROM shown_options s"
            " JOIN participants p ON p.id = s.participant_id"
            " WHERE p.channel = ? AND p.user_id = ?",
            (channel, user_id),
        )
        try:
            found = json.loads(row[0]) if row is not None else []
        except ValueError:
            return ()
        return tuple(Option(str(pair[0]), str(pair[1])) for pair in found if len(pair) == 2)

    async def record_unknown(
        self,
        participant_id: int,
        text: str,
        guesses: Sequence[tuple[str, float]],
        step: str,
        now: datetime,
    ) -> int:
        """Keeps a (redacted) message the bot did not understand; returns its id."""
        payload = json.dumps([[name, round(score, 3)] for name, score in guesses])
        async with self.transaction():
            row = await self.db.fetchone(
                "INSERT INTO unknown_messages (participant_id, text, guesses, step, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (participant_id, text, payload, step, ts(now)),
            )
        assert row is not None
        return int(row[0])

    async def list_unknown(
        self, limit: int, since: datetime | None = None
    ) -> list[UnknownMessage]:
        """The messages not understood, newest first (only those from `since` on)."""
        query = f"SELECT {UNKNOWN_COLUMNS} FROM unknown_messages"
        params: tuple[Any, ...] = ()
        if since is not None:
            query += " WHERE created_at >= ?"
            params = (ts(since),)
        query += " ORDER BY created_at DESC, id DESC LIMIT ?"
        return [unknown_message(row) for row in await self.db.fetchall(query, (*params, limit))]

    async def label_unknown(self, id: int, intent: str) -> bool:
        """Gives a kept message the intent it should have had; False if there is no such id."""
        async with self.transaction():
            row = await self.db.fetchone(
                "UPDATE unknown_messages SET label = ? WHERE id = ? RETURNING id", (intent, id)
            )
        return row is not None

    async def labelled_unknown(self) -> list[UnknownMessage]:
        """Every kept message an operator labelled, oldest first (to teach the bot)."""
        return [
            unknown_message(row)
            for row in await self.db.fetchall(
                f"SELECT {UNKNOWN_COLUMNS} FROM unknown_messages WHERE label IS NOT NULL"
                " ORDER BY created_at, id"
            )
        ]
