"""The narrow interface every store implements (SQLite now; PostgreSQL can join it)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.core.benefits import Item, Push, Source
from bot.core.domain import Participant


class StoreBusy(Exception):
    """The database is busy (another process holds the write lock); try again later."""


@dataclass
class Memory:
    """What the bot remembers of a conversation: the last topic, the question it asked, how
    often the problem was reported again, and small JSON-able data."""

    topic: str | None
    question: str | None
    updated_at: datetime
    repeats: int = 0
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UnknownMessage:
    """A redacted message the bot did not understand, kept for the operator."""

    id: int
    participant_id: int
    text: str
    guesses: tuple[tuple[str, float], ...]
    step: str
    created_at: datetime
    label: str | None = None


@dataclass(frozen=True)
class FeedbackAsk:
    """The last "did this help?" asked of a participant (bot/storage/learning.py)."""

    answer: str  # kb:<entry id> or topic:<intent>
    text: str | None  # the answered message, redacted, until they vote
    asked_at: datetime
    voted: bool


class StoreError(Exception):
    """A change was not stored, and cannot be (the message says which)."""


class StoreUnavailable(Exception):
    """The database cannot be reached or opened (the message says why, without a password)."""


class Store(Protocol):
    """Participant state, persisted."""

    async def get_participant(self, channel: str, user_id: str) -> Participant | None:
        """The participant on that channel, or None for a new one."""
        ...

    async def save_participant(self, participant: Participant) -> Participant:
        """Inserts or updates the participant and their progress; sets `id` on insert."""
        ...

    async def delete_participant(self, participant_id: int) -> None:
        """Deletes every row about the participant."""
        ...

    async def benefit_items(self, participant_id: int, specs: Sequence[Item]) -> list[Item]:
        """The participant's benefit items in the scheme's order (`specs` for unstored ones)."""
        ...

    async def change_benefit_item(
        self,
        participant_id: int,
        item: Item,
        source: Source,
        now: datetime,
        pushes: Sequence[Push] = (),
        *,
        expect: Item | None = None,
    ) -> bool:
        """Stores a new item state with its history and outbox rows, atomically; False if
        nothing changed or the stored state is no longer `expect`."""
        ...

    async def upcoming(
        self, participant_id: int, kind_prefix: str, now: datetime
    ) -> list[tuple[str, datetime, dict[str, Any]]]:
        """The participant's pending outbox rows of a kind still to come: (kind, due, payload)."""
        ...

    async def set_unreachable(self, channel: str, user_id: str, flag: bool) -> bool:
        """Marks the participant (un)reachable; True if they exist. Cancels pending outbox rows."""
        ...

    async def open_handoff(self, participant_id: int, reason: str, now: datetime) -> int:
        """The participant's active handoff to a person, or a new one; returns its id."""
        ...

    async def current_handoff(self, participant_id: int) -> int | None:
        """The id of the participant's open or taken handoff, if any."""
        ...

    async def leave_handoff(self, participant_id: int, now: datetime) -> bool:
        """Closes the participant's open handoff at their request; False when none was open."""
        ...

    async def add_handoff_message(self, handoff_id: int, text: str, now: datetime) -> None:
        """Keeps a participant's redacted message for the operators' inbox."""

    async def rate_handoff(self, participant_id: int, answer: str, since: datetime) -> int | None:
        """Stores the one-tap satisfaction answer on the participant's last handoff closed
        from `since` on; its id, or None if there is none to rate."""
        ...

    async def get_memory(self, participant_id: int) -> Memory | None:
        """The participant's conversation memory as last saved, or None."""
        ...

    async def save_memory(self, participant_id: int, memory: Memory) -> None:
        """Replaces the participant's conversation memory."""
        ...

    async def record_unknown(
        self,
        participant_id: int,
        text: str,
        guesses: Sequence[tuple[str, float]],
        step: str,
        now: datetime,
    ) -> int:
        """Keeps a redacted message the bot did not understand; returns its id."""
        ...

    async def list_unknown(
        self, limit: int, since: datetime | None = None
    ) -> list[UnknownMessage]:
        """The messages not understood, newest first."""
        ...

    async def label_unknown(self, id: int, intent: str) -> bool:
        """Labels a kept message with its intent; False if there is no such id."""
        ...

    async def labelled_unknown(self) -> list[UnknownMessage]:
        """Every labelled kept message, oldest first."""

    async def feedback_ask(self, participant_id: int) -> FeedbackAsk | None:
        """The last "did this help?" asked of the participant, if any."""
        ...

    async def ask_feedback(
        self, participant_id: int, answer: str, text: str | None, now: datetime
    ) -> None:
        """Records a "did this help?" (replacing the last one and the message it kept)."""

    async def vote_feedback(
        self, participant_id: int, answer: str, helpful: bool, now: datetime
    ) -> bool:
        """Stores the vote on the unanswered question about `answer`; False if none."""
        ...

    async def record_flagged(
        self, participant_id: int, text: str, signs: Sequence[str], forwarded: bool, now: datetime
    ) -> None:
        """Keeps a message the scam check flagged (already redacted) for the operator."""

    async def record_media(self, kind: str, now: datetime) -> None:
        """Counts one message the bot cannot read (a voice note, a sticker...)."""

    def participant_lock(self, channel: str, user_id: str) -> AbstractAsyncContextManager[None]:
        """Held while one message of the participant is handled: one participant's messages
        are handled strictly in order, across every instance sharing the database."""

    async def enqueue(
        self,
        participant_id: int,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        key: str,
        *,
        now: datetime,
    ) -> bool:
        """Adds a pending outbox row; False (and nothing changed) if `key` was already used."""
        ...

    async def claim_update(
        self, channel: str, update_id: str, user_id: str | None, now: datetime
    ) -> bool:
        """Records an update id; False if it was already processed."""
        ...

    async def release_update(self, channel: str, update_id: str) -> None:
        """Forgets a claimed update whose handling failed (its retry is handled)."""
        ...

    async def prune_updates(self, before: datetime) -> int:
        """Forgets processed update ids (and applied statuses) older than `before`."""
        ...

    async def close(self) -> None: ...
