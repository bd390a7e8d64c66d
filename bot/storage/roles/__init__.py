"""The roles the store plays for the packages above it, as protocols: each package is typed
against the role it needs (the outbox against `OutboxStore`, the console against
`ConsoleStore`, ...), never against a concrete store. `AppStore` is all of them: what
`open_store` returns, and what `SqlStore` implements on either database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.core.cluster import InstanceStore
from bot.storage.base import Store
from bot.storage.roles.channels import FeedStore, InboundStore, OutboxStore, ParticipantStore
from bot.storage.roles.console import ConsoleStore


class AppStore(
    Store,
    ParticipantStore,
    InboundStore,
    OutboxStore,
    ConsoleStore,
    InstanceStore,
    Protocol,
):
    """Every role at once: the store the app opens (bot/storage/__init__.py, `open_store`)."""

    async def record_consent(self, participant_id: int, version: str, now: datetime) -> None:
        """Records the privacy notice's version the participant agreed to."""


__all__ = [
    "AppStore",
    "ConsoleStore",
    "FeedStore",
    "InboundStore",
    "OutboxStore",
    "ParticipantStore",
]
