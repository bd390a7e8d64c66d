"""Messages the bot sends on its own initiative, by outbox kind: how each is worded and when
it no longer applies. Each topic module exports its kinds (`NOTICES`); the app builds one
`NoticeRegistry` from the ordered list in handlers/notice_kinds.py, and tests build their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.conversation.context import Context
from bot.core.clock import Clock, FixedClock
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
    quiet: bool = True  # waits out quiet hours (False: an answer the participant awaits)


Notices = Mapping[str, Notice]


def merge(*tables: Notices) -> dict[str, Notice]:
    """The topic modules' kinds in one table; a kind defined twice is an error."""
    merged: dict[str, Notice] = {}
    for table in tables:
        for kind, notice in table.items():
            if kind in merged:
                raise ValueError(f"notice kind {kind!r} defined twice")
            merged[kind] = notice
    return merged


def lookup(notices: Notices, kind: str) -> Notice | None:
    """The notice for a row's kind: exact, or by the part before the first dot."""
    return notices.get(kind) or notices.get(kind.split(".", 1)[0])


class NoticeRegistry:
    """The outbox's `NoticeBook`: words each kind of `notices` in the participant's language."""

    def __init__(self, program: Program, clock: Clock, store: Store, notices: Notices) -> None:
        self.program = program
        self.clock = clock
        self.store = store
        self.notices = dict(notices)

    def lookup(self, kind: str) -> Notice | None:
        return lookup(self.notices, kind)

    def knows(self, kind: str) -> bool:
        return self.lookup(kind) is not None

    def waits_out_quiet_hours(self, kind: str) -> bool:
        notice = self.lookup(kind)
        return notice is None or notice.quiet

    def applies(
        self, kind: str, participant: Participant, payload: Payload, now: datetime
    ) -> bool:
        notice = self.lookup(kind)
        return notice is not None and notice.applies(participant, payload, now)

    def render(
        self, kind: str, participant: Participant, payload: Payload, at: datetime | None = None
    ) -> Rendered:
        notice = self.lookup(kind)
        if notice is None:
            raise KeyError(kind)
        clock = self.clock if at is None else FixedClock(at)
        ctx = Context.of(participant, self.program, clock, self.store)
        template = notice.template

        def platform_template() -> Template | None:
            return template(ctx, payload) if template else None

        return Rendered(notice.render(ctx, payload), ctx.t.locale, platform_template)
