"""When the database cannot be written (a full disk, a lost server): the participant hears
one apology, and their message is handled again, with growing pauses, until writing works.
A message is never consumed unanswered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.i18n import Translator

log = logging.getLogger(__name__)

FIRST_DELAY = 2.0  # seconds before the first retry; doubled up to MAX_DELAY
MAX_DELAY = 60.0
MAX_HELD = 10_000  # messages waiting for the database at once; past it they are only logged
APOLOGY_EVERY = timedelta(minutes=30)

Sleep = Callable[[float], Awaitable[None]]


def apology(t: Translator) -> str:
    return t._(
        "Sorry, our system has a problem right now and couldn't process your message. It "
        "isn't lost: I'll answer as soon as it's fixed. 🙏"
    )


class Outage:
    """Holds messages that met an unwritable database and hands them back later."""

    def __init__(
        self,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        *,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        max_held: int = MAX_HELD,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._first, self._max = first_delay, max_delay
        self._max_held = max_held
        self._attempts: dict[Hashable, int] = {}  # held message -> retries so far
        self._again: set[Hashable] = set()  # handed back, its claim may still stand
        self._told: dict[str, datetime] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def apology_due(self, user_id: str) -> bool:
        """True once per participant per APOLOGY_EVERY while the outage lasts."""
        now = self._clock.now()
        last = self._told.get(user_id)
        if last is not None and now - last < APOLOGY_EVERY:
            return False
        self._told[user_id] = now
        return True

    def hold(self, key: Hashable, again: Callable[[], Awaitable[None]]) -> bool:
        """Runs `again` after a pause (longer each time for the same key); False when too many
        messages are held already (the caller logs it as lost)."""
        if key not in self._attempts and len(self._attempts) >= self._max_held:
            return False
        attempt = self._attempts.get(key, 0)
        self._attempts[key] = attempt + 1
        delay = min(self._max, self._first * 2**attempt)
        task = asyncio.create_task(self._later(key, delay, again))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _later(
        self, key: Hashable, delay: float, again: Callable[[], Awaitable[None]]
    ) -> None:
        await self._sleep(delay)
        self._again.add(key)
        try:
            await again()
        except Exception:
            log.warning("a held message could not be handed back yet", exc_info=True)

    def handed_back(self, key: Hashable) -> bool:
        """True (once) if this message is a held one handed back: its earlier claim may still
        stand, so it is handled even though the store says it was seen."""
        if key in self._again:
            self._again.discard(key)
            return True
        return False

    def done(self, key: Hashable) -> None:
        """The held message was handled: forget it (and, with none left, the apologies)."""
        self._attempts.pop(key, None)
        if not self._attempts:
            self._told.clear()

    def held(self) -> int:
        return len(self._attempts)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
