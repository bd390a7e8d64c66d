"""One pace per channel, shared by participants' replies and the outbox: the platform's overall
and per-chat limits, a 429 pausing both, and replies served before broadcasts.

The outbox worker and the inbound reply path used separate limits (replies had none), so while
a broadcast used Telegram's 30/s every reply met 429s; a reply of several messages also met the
per-chat limit. Now every send asks the channel's `Pacer` for a turn: `await pacer.turn(chat,
REPLY)` or `BROADCAST`. Turns are granted at `rate × headroom` per second, replies first; a
chat gets at most `per_chat` messages per second (its first message goes at once).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable, Mapping

from bot.outbox.policy import ChannelLimit

REPLY = 0  # a participant is waiting for this
BROADCAST = 1  # reminders, incentive updates: they can wait behind replies

Now = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Grants send turns for one channel (see the module docstring)."""

    def __init__(
        self, limit: ChannelLimit, now: Now = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._now = now
        self._sleep = sleep
        self.set_limit(limit)
        self._next = 0.0  # when the next overall turn may be granted (monotonic seconds)
        self._chat_next: dict[str, float] = {}
        self._paused_until = 0.0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self.granted = [0, 0]  # turns granted per priority (for tests and benchmarks)

    def set_limit(self, limit: ChannelLimit) -> None:
        self.limit = limit
        pace = limit.rate * limit.headroom
        self._interval = 1.0 / pace
        self._burst = max(1.0, pace * limit.burst_seconds)

    # the platform said 429 --------------------------------------------------------------

    def pause(self, seconds: float) -> None:
        """Nobody on this channel sends for `seconds` (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._now())

    # turns -----------------------------------------------------------------------------------

    async def turn(self, chat_id: str | None, priority: int = BROADCAST) -> None:
        """Waits for this chat's next slot, then for an overall turn (replies first)."""
        if chat_id is not None and self.limit.per_chat:
            # GCRA: the chat's theoretical arrival time may run `chat_burst - 1` gaps ahead.
            gap = 1.0 / self.limit.per_chat
            now = self._now()
            due = max(now, self._chat_next.get(chat_id, 0.0))
            slot = max(now, due - (self.limit.chat_burst - 1) * gap)
            self._chat_next[chat_id] = due + gap
            if len(self._chat_next) > 10_000:
                self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
            if slot > now:
                await self._sleep(slot - now)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._seq), future))
        self._grant()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # granted while being cancelled
                self._next = max(self._next - self._interval, 0.0)
            raise

    def _grant(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        now = self._now()
        while self._waiters:
            start = max(self._next, self._paused_until, now - (self._burst - 1) * self._interval)
            if start > now:
                self._timer = asyncio.get_running_loop().call_later(start - now, self._grant)
                return
            priority, _, future = heapq.heappop(self._waiters)
            if future.done():
                continue
            future.set_result(None)
            self.granted[priority] += 1
            self._next = start + self._interval


def pacers_for(limits: Mapping[str, ChannelLimit]) -> dict[str, Pacer]:
    """One pacer per channel from the limits (see sending_policy.limits_from_settings)."""
    return {name: Pacer(limit) for name, limit in limits.items()}
