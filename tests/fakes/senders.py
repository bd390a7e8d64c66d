"""A sender that records what would have gone out (the delivery worker's tests)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.outbound import Delivery, Outbound, Outcome


class RecordingSender:
    """Records every message instead of sending it; answers with `outcomes` in turn, then SENT."""

    def __init__(self, channel: str, outcomes: Sequence[Delivery] = ()) -> None:
        self.channel = channel
        self.sent: list[Outbound] = []
        self._outcomes = list(outcomes)

    async def send(self, message: Outbound) -> Delivery:
        self.sent.append(message)
        if self._outcomes:
            return self._outcomes.pop(0)
        return Delivery(Outcome.SENT, message_ids=(str(len(self.sent)),))
