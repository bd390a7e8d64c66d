"""The narrow interface every store implements (SQLite now; PostgreSQL can join it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.domain import Participant
from bot.incentives import Item, Push, Source


class StoreBusy(Exception):
    """The database is busy (another process holds the write lock); try again later."""


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

    async def add_handoff_message(self, handoff_id: int, text: str, now: datetime) -> None:
        """Keeps a participant's redacted message for the operators' inbox."""
        ...

    async def close(self) -> None: ...
