"""What every channel's sender offers the outbox, and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from bot.core.domain import Reply


class Outcome(StrEnum):
    """How one delivery attempt ended, in the outbox's terms."""

    SENT = "sent"
    RETRY_AFTER = "retry_after"  # rate limited: pause the channel for `retry_after` s, retry
    UNREACHABLE = "unreachable"  # blocked / undeliverable: mark participant, cancel their rows
    PERMANENT = "permanent"  # this message can never go (bad request): fail the row
    TRANSIENT = "transient"  # network or server trouble: retry with backoff
    NEEDS_TEMPLATE = "needs_template"  # WhatsApp 24-hour window closed: retry as a template


@dataclass(frozen=True)
class Delivery:
    """The result of sending one message (possibly several platform messages)."""

    outcome: Outcome
    retry_after: float | None = None
    error: str | None = None
    message_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """A pre-approved message (WhatsApp) for when a session message is not allowed."""

    name: str
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outbound:
    """One message the bot sends on its own initiative."""

    chat_id: str
    replies: tuple[Reply, ...]
    locale: str = "id"
    template: Template | None = None
    force_template: bool = False
    paid_broadcast: bool = False
    extra: dict[str, str] = field(default_factory=dict)


class Sender(Protocol):
    """Sends through one platform and maps its answers to an `Outcome`; never raises."""

    channel: str

    async def send(self, message: Outbound) -> Delivery: ...
