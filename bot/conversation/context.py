"""What every handler is given: the participant, the program, the clock, the translator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.clock import Clock
from bot.core.domain import Incoming, Participant, Reply
from bot.core.i18n import Translator
from bot.core.program import Program
from bot.storage.base import Store


@dataclass
class Context:
    """One participant's turn: handlers read and change `participant`; the engine saves it."""

    participant: Participant
    program: Program
    clock: Clock
    store: Store
    t: Translator
    deleted: bool = False
    extras: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, participant: Participant, program: Program, clock: Clock, store: Store) -> Context:
        """The turn of this participant, with a translator for their locale and zone."""
        return cls(
            participant,
            program,
            clock,
            store,
            Translator(participant.locale, participant.timezone),
        )

    def now(self) -> datetime:
        return self.clock.now()

    def retranslate(self) -> None:
        """Rebinds the translator after the participant's locale or zone changed."""
        self.t = Translator(self.participant.locale, self.participant.timezone)


Handler = Callable[[Context, Incoming], Awaitable[list[Reply]]]
