"""WhatsApp's messaging limit: a number may send templates (business-initiated conversations,
outside a participant's 24-hour window) to at most its tier's count of unique people per rolling
24 hours (250, 1,000, 10,000 or 100,000; the WHATSAPP_TIER setting).

`TemplateTier` keeps who got a template in the last 24 hours. The delivery worker asks it before
each template: a person already counted is free, a new one takes a slot if one is left; else the
row waits until the slot it is planned into frees (the rows come in nearest-deadline order, so
the most urgent go first) and is counted as deferred for the console.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import datetime, timedelta

TIERS = (250, 1_000, 10_000, 100_000)
ROLLING = timedelta(hours=24)


class TemplateTier:
    """Unique template recipients per rolling 24 hours, at most `limit` of them."""

    def __init__(self, limit: int, window: timedelta = ROLLING) -> None:
        self.limit = limit
        self.window = window
        self._last: dict[str, datetime] = {}  # recipient -> their latest template
        self._order: list[tuple[datetime, str]] = []  # heap of (sent at, recipient), lazily pruned
        self.deferred = 0  # templates put off for want of a slot (since start)
        self._queued = 0  # deferrals planned into slots not yet free (see `admit`)
        self._queued_until: datetime | None = None
        self._plan: list[datetime] = []  # when the counted slots free, as of the last planning

    def seed(self, sent: Iterable[tuple[str, datetime]]) -> None:
        """Counts templates sent before this process started (recipient, when)."""
        for recipient, at in sent:
            self._count(recipient, at)

    def _count(self, recipient: str, at: datetime) -> None:
        before = self._last.get(recipient)
        if before is None or at > before:
            self._last[recipient] = at
            heapq.heappush(self._order, (at, recipient))

    def _prune(self, now: datetime) -> None:
        while self._order and self._order[0][0] <= now - self.window:
            at, recipient = heapq.heappop(self._order)
            if self._last.get(recipient) == at:
                del self._last[recipient]

    def used(self, now: datetime) -> int:
        """How many people count against the limit right now."""
        self._prune(now)
        return len(self._last)

    def admit(self, recipient: str, now: datetime) -> datetime | None:
        """None: the template may go now (the recipient is counted). Else the moment a slot
        this template can have frees: each deferral in a row is planned one slot later."""
        self._prune(now)
        if recipient in self._last or len(self._last) < self.limit:
            self._count(recipient, now)
            return None
        if self._queued_until is None or self._queued_until <= now:
            self._queued = 0  # the slots planned before have come: plan afresh
            self._plan = self._frees()
        frees = self._slot(self._plan, self._queued, now)
        self._queued += 1
        self._queued_until = frees
        self.deferred += 1
        return frees

    def _frees(self) -> list[datetime]:
        """When each counted person was last sent a template, oldest first."""
        return sorted(self._last.values())

    def _slot(self, plan: list[datetime], index: int, now: datetime) -> datetime:
        """When the `index`-th slot from now frees (0: the next one), counting the slots that
        free again a window after they are taken."""
        rounds, position = divmod(index, max(len(plan), 1))
        base = plan[position] if plan else now
        return base + self.window * (rounds + 1)

    def last_slot(self, templates: int, now: datetime) -> datetime:
        """When the last of `templates` more templates to new people can go, at the earliest."""
        self._prune(now)
        free = self.limit - len(self._last)
        if templates <= free:
            return now
        queued = self._queued if self._queued_until and self._queued_until > now else 0
        return self._slot(self._frees(), templates - free - 1 + queued, now)
