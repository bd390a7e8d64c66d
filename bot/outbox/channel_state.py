"""What the delivery worker keeps per channel: its sender and pacer, a pause after a 429, and
the recent round trips (a send and its outcome's commit) that bound how many sends may be
unrecorded at once (bot/outbox/delivery.py)."""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.outbound import Sender
from bot.outbox.pacing import Pacer
from bot.outbox.policy import ChannelLimit

ROUND_TRIPS_KEPT = 64  # the median of the last this many sends is the channel's round trip
IN_FLIGHT_FACTOR = 2.0  # sends unrecorded allowed: the rate × this many round trips


@dataclass
class ChannelState:
    """A channel's sender, its pacer, a pause after a 429, and its recent round trips."""

    sender: Sender
    pacer: Pacer  # shared with the channel's replies (bot/pacing.py)
    paused_until: datetime | None = None
    round_trips: deque[float] = field(default_factory=lambda: deque(maxlen=ROUND_TRIPS_KEPT))
    _typical: float = 0.0

    def round_trip(self, seconds: float) -> None:
        self.round_trips.append(max(0.0, seconds))
        if len(self.round_trips) % 8 == 0 or len(self.round_trips) < 8:
            self._typical = statistics.median(self.round_trips)

    def unrecorded_bound(self, answers: int) -> int:
        """Sends at once not yet recorded (in flight or answered): what the rate needs over
        the channel's round trip (a send and its outcome's commit, the median of the last
        few), twice, and `answers` more waiting for their commit. On loopback with SQLite
        that is a handful; with PostgreSQL's slower commits a dozen or more at 1,000/s; to a
        distant API, hundreds (then `max_in_flight` bounds it)."""
        return answers + math.ceil(self.limit.rate * self._typical * IN_FLIGHT_FACTOR)

    @property
    def limit(self) -> ChannelLimit:
        return self.pacer.limit

    @limit.setter
    def limit(self, value: ChannelLimit) -> None:
        self.pacer.set_limit(value)
