"""What the delivery worker needs from the conversation: whether a row still applies, and its
words. The conversation implements `NoticeBook` (handlers.notices.NoticeRegistry); the app hands
it to the worker, so the outbox never imports `handlers`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.core.domain import Participant, Reply
from bot.core.outbound import Template


@dataclass(frozen=True)
class Rendered:
    """One outbox row in words: the replies, their locale, and the platform template to use
    when the chat's window is closed (computed only when needed)."""

    replies: list[Reply]
    locale: str
    template: Callable[[], Template | None]


# A participant's reply that could not go out at once, kept in the outbox (handlers.reply_later).
REPLY_KIND = "reply"
REPLY_RETRY_SECONDS = 5.0  # a reply kept in the outbox goes again this soon (or its retry_after)


class NoticeBook(Protocol):
    """The kinds of outbox rows the conversation knows how to word."""

    def knows(self, kind: str) -> bool: ...

    def waits_out_quiet_hours(self, kind: str) -> bool:
        """True for what the bot starts on its own; False for answers a participant awaits."""
        ...

    def applies(
        self, kind: str, participant: Participant, payload: dict[str, Any], now: datetime
    ) -> bool: ...

    def render(
        self,
        kind: str,
        participant: Participant,
        payload: dict[str, Any],
        at: datetime | None = None,
    ) -> Rendered:
        """The row in words, as of `at` (its due time, so a re-sent copy is identical) or now."""
        ...
