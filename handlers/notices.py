"""Messages the bot sends on its own initiative, by outbox kind: how each is worded and when
it no longer applies. Topic modules register their kinds here; the delivery job looks them up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.domain import Participant, Reply
from bot.core.outbound import Template
from handlers.context import Context

Payload = dict[str, Any]


@dataclass(frozen=True)
class Notice:
    """One kind of outbox message."""

    render: Callable[[Context, Payload], list[Reply]]
    applies: Callable[[Participant, Payload, datetime], bool]
    template: Callable[[Context, Payload], Template] | None = None


NOTICES: dict[str, Notice] = {}


def register(kind: str, notice: Notice) -> None:
    """Makes a kind (e.g. "reminder", "incentive") known; a kind is registered once."""
    if kind in NOTICES:
        raise ValueError(f"notice kind {kind!r} registered twice")
    NOTICES[kind] = notice


def lookup(kind: str) -> Notice | None:
    """The notice for a row's kind: exact, or by the part before the first dot."""
    return NOTICES.get(kind) or NOTICES.get(kind.split(".", 1)[0])
