"""What a channel's runtime is handed by the app: the built parts, not the app itself."""

from __future__ import annotations

from typing import Protocol

from bot.conversation.engine import Engine
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.storage.roles import AppStore
from bot.vision import Reader


class Parts(Protocol):
    """The settings, engine, store and clock a channel runs with (`bot.app.wiring.App`)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def engine(self) -> Engine: ...

    @property
    def store(self) -> AppStore: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def reader(self) -> Reader | None:
        """Reads pictures (None: OCR off or not installed)."""
