"""Messages the bot sends on its own initiative, by outbox kind: how each is worded and when
it no longer applies. Topic modules register their kinds here; the delivery job looks them up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.conversation.context import Context
from bot.core.clock import Clock
from bot.core.domain import Participant, Reply
from bot.core.outbound import Template
from bot.core.program import Program
from bot.outbox.notices import Rendered
from bot.storage.base import Store

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


class NoticeRegistry:
    """The outbox's `NoticeBook`: words each registered kind in the participant's language."""

    def __init__(self, program: Program, clock: Clock, store: Store) -> None:
        import handlers.router  # noqa: F401  (every topic module registers its kinds on import)

        self.program = program
        self.clock = clock
        self.store = store

    def knows(self, kind: str) -> bool:
        return lookup(kind) is not None

    def applies(
        self, kind: str, participant: Participant, payload: Payload, now: datetime
    ) -> bool:
        notice = lookup(kind)
        return notice is not None and notice.applies(participant, payload, now)

    def render(self, kind: str, participant: Participant, payload: Payload) -> Rendered:
        notice = lookup(kind)
        if notice is None:
            raise KeyError(kind)
        ctx = Context.of(participant, self.program, self.clock, self.store)
        template = notice.template

        def platform_template() -> Template | None:
            return template(ctx, payload) if template else None

        return Rendered(notice.render(ctx, payload), ctx.t.locale, platform_template)
