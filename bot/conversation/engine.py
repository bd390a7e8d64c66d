"""Turns one incoming message into replies: load the participant, route, save, notify."""

from __future__ import annotations

import copy
import logging
import secrets
from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.conversation.context import Context, Handler
from bot.core.clock import Clock
from bot.core.domain import Incoming, InputKind, Participant, Reply
from bot.core.i18n import LOCALES
from bot.core.phones import normalise_phone
from bot.core.program import Program
from bot.storage.base import Store, StoreBusy
from bot.storage.retry import is_outage, retry_busy

log = logging.getLogger(__name__)

_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ParticipantObserver(Protocol):
    """Something that reacts to a participant's state changing (e.g. the reminder planner)."""

    async def participant_saved(self, before: Participant | None, after: Participant) -> None: ...

    async def participant_deleted(self, participant: Participant) -> None: ...


def new_ref_code() -> str:
    """A short code the participant can quote to an operator (no 0/O, 1/I confusion)."""
    return "PK-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


def pick_locale(language_code: str | None, default: str) -> str:
    """The locale from a platform's language code on first contact."""
    if language_code:
        base = language_code.split("-", 1)[0].lower()
        if base in LOCALES:
            return base
    return default


def _snapshot(participant: Participant) -> Participant:
    """A copy to compare with later (its own progress dict: the only field changed in place);
    `copy.copy` rather than `dataclasses.replace`, which runs `__init__` for every field."""
    before = copy.copy(participant)
    before.progress = dict(participant.progress)
    return before


class Engine:
    """The conversation engine shared by every channel."""

    def __init__(
        self,
        store: Store,
        program: Program,
        clock: Clock,
        router: Handler,
        *,
        default_locale: str = "id",
        default_timezone: str = "Asia/Jakarta",
        observers: Sequence[ParticipantObserver] = (),
        extras: Mapping[str, object] | None = None,
    ) -> None:
        self.store = store
        self.program = program
        self.clock = clock
        self.router = router  # the conversation (handlers.router.route), handed in by the app
        self.default_locale = default_locale
        self.default_timezone = default_timezone
        self.observers = list(observers)
        self.extras = dict(extras or {})  # settings handlers read (Context.extras)

    def _new_participant(self, msg: Incoming) -> Participant:
        return Participant(
            channel=msg.channel,
            user_id=msg.user_id,
            chat_id=msg.chat_id,
            locale=pick_locale(msg.language_code, self.default_locale),
            timezone=self.default_timezone,
            ref_code=new_ref_code(),
            created_at=self.clock.now(),
        )

    async def handle(self, msg: Incoming) -> list[Reply]:
        """Processes one message; messages of one participant are handled strictly in order.
        A busy database (an import or the delivery job writing) is waited for within a bound
        and the whole message handled again from the stored state, never dropped."""
        async with self.store.participant_lock(msg.channel, msg.user_id):
            return await retry_busy(lambda: self._handle_once(msg), what="inbound message")

    async def _handle_once(self, msg: Incoming) -> list[Reply]:
        stored = await self.store.get_participant(msg.channel, msg.user_id)
        participant = stored or self._new_participant(msg)
        # the state before this message, for observers (fields are immutable but progress)
        before = _snapshot(stored) if stored else None
        participant.chat_id = msg.chat_id
        participant.last_inbound_at = self.clock.now()
        participant.unreachable = False
        if msg.phone and msg.kind != InputKind.CONTACT:  # the channel's own number (WhatsApp)
            participant.phone = normalise_phone(msg.phone) or participant.phone
        ctx = Context.of(participant, self.program, self.clock, self.store)
        ctx.extras.update(self.extras)
        try:
            replies = await self.router(ctx, msg)
        except StoreBusy:
            raise  # handled again by `handle`
        except Exception as exc:
            if is_outage(exc):
                raise  # the channel holds the message until the database can be written
            log.exception("handling failed for participant %s", participant.id)
            return [Reply(ctx.t._("Sorry, something went wrong on my side. Please try again."))]
        if ctx.deleted:
            for observer in self.observers:
                await observer.participant_deleted(participant)
            return replies
        await self.store.save_participant(participant)
        log.info("participant %s at step %s", participant.id, participant.step.value)
        for observer in self.observers:
            await observer.participant_saved(before, participant)
        return replies
