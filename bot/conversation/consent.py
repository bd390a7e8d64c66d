"""Consent: when a participant is first saved (they have just been shown the introduction,
the privacy notice), the notice's version and the time are stored with them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.clock import Clock
from bot.core.domain import Participant


class ConsentStore(Protocol):
    async def record_consent(self, participant_id: int, version: str, now: datetime) -> None: ...


class ConsentRecorder:
    """An engine observer (bot/conversation/engine.py) recording the notice's version."""

    def __init__(self, store: ConsentStore, clock: Clock, version: str) -> None:
        self.store = store
        self.clock = clock
        self.version = version

    async def participant_saved(self, before: Participant | None, after: Participant) -> None:
        if before is None and after.id is not None:
            await self.store.record_consent(after.id, self.version, self.clock.now())

    async def participant_deleted(self, participant: Participant) -> None:
        """Their consent row goes with them (ON DELETE CASCADE)."""
