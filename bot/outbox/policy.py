"""How fast and how persistently the outbox sends: each platform's rate limits, and the
worker's batching, lease and retry policy, from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiolimiter import AsyncLimiter

from bot.core.config import Settings

TELEGRAM_CHAT_BURST = 6


@dataclass(frozen=True)
class ChannelLimit:
    """A platform's sending limits: messages per second overall and per chat."""

    rate: float
    per_chat: float | None = None
    paid_broadcast: bool = False  # Telegram: send with allow_paid_broadcast (up to 1,000/s)
    headroom: float = 0.97  # pace at this share of `rate`: network jitter must not cause 429s
    burst_seconds: float = 0.01  # the limiter admits at most this many seconds' worth at once
    chat_burst: int = 1  # messages one chat may get at once before `per_chat` paces it

    def limiter(self) -> AsyncLimiter:
        """A leaky bucket: `rate × headroom` per second, small bursts only. A capacity a little
        above one message keeps a late wake-up from losing its slot (at 30/s every late
        millisecond would otherwise be lost); any one second still stays under `rate`."""
        pace = self.rate * self.headroom
        burst = max(1.0 + pace * self.burst_seconds, pace * self.burst_seconds)
        return AsyncLimiter(burst, burst / pace)


@dataclass(frozen=True)
class Policy:
    """How the worker batches, leases and retries."""

    batch: int = 200
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    backoff_base: float = 30.0
    backoff_max: float = 3600.0
    max_in_flight: int = 64
    # Sends unrecorded (in flight or answered, outcome not committed: what a kill -9 repeats)
    # allowed beyond what the rate needs over a send and its commit (bot/outbox/delivery.py).
    max_unrecorded: int = 4

    def backoff(self, attempt: int) -> timedelta:
        """Exponential: base, 2×base, 4×base … capped (attempt counts from 1)."""
        return timedelta(seconds=min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))


def limits_from_settings(settings: Settings) -> dict[str, ChannelLimit]:
    """Each channel's limits from the settings (paid broadcast lifts Telegram's overall rate)."""
    paid = settings.telegram_paid_broadcast
    return {
        "telegram": ChannelLimit(
            rate=settings.telegram_paid_rate if paid else settings.telegram_rate,
            per_chat=settings.telegram_chat_rate,
            paid_broadcast=paid,
            # Telegram: "avoid more than one message per second in a chat … short bursts are
            # allowed": a whole reply (up to ~6 messages) goes at once, then 1/s.
            chat_burst=TELEGRAM_CHAT_BURST,
        ),
        "whatsapp": ChannelLimit(
            rate=settings.whatsapp_rate, per_chat=settings.whatsapp_chat_rate
        ),
        "console": ChannelLimit(rate=100.0),
    }


def policy_from_settings(settings: Settings) -> Policy:
    """The batching, lease and retry policy from the settings."""
    return Policy(
        batch=settings.outbox_batch,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        max_attempts=settings.outbox_max_attempts,
        backoff_base=settings.outbox_backoff_seconds,
        backoff_max=settings.outbox_backoff_max_seconds,
        max_in_flight=settings.outbox_max_in_flight,
    )
