"""Handing a participant over to a person: opening a handoff, relaying their messages to the
operators' inbox while it is open, and the outbox kind `handoff` (an agent's reply, and the
note that the bot is back once the agent closes it)."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.conversation.context import Context
from bot.core.domain import Incoming, Participant, Reply, Step
from bot.core.i18n import N_
from bot.core.safety import scan
from handlers.common import menu_reply, official_help
from handlers.notices import Notice, Payload

log = logging.getLogger(__name__)

KIND = "handoff"
HOURS_KEY = "handoff_hours"  # Context.extras: when a person usually answers (HANDOFF_HOURS)
DEFAULT_HOURS = N_("Monday to Friday, 08.00–17.00 WIB")


def _hours(ctx: Context) -> str:
    hours = ctx.extras.get(HOURS_KEY)
    return hours if isinstance(hours, str) and hours else ctx.t._(DEFAULT_HOURS)


def hours(ctx: Context) -> str:
    """When a person usually answers (HANDOFF_HOURS, else the catalog's default)."""
    return _hours(ctx)


async def start(ctx: Context, reason: str) -> bool:
    """Stores a handoff and the handoff step; False when none can be opened (a participant
    not onboarded yet has nothing stored to hand over)."""
    participant = ctx.participant
    if participant.id is None or not participant.onboarded:
        return False
    handoff_id = await ctx.store.open_handoff(participant.id, reason, ctx.now())
    participant.step = Step.HANDOFF
    log.info("participant %s: handoff %s open (%s)", participant.id, handoff_id, reason)
    return True


async def open_handoff(ctx: Context, reason: str) -> list[Reply]:
    """Stores a handoff (and the handoff step) and says when a person usually answers."""
    t = ctx.t
    if not await start(ctx, reason):
        return [Reply(official_help(ctx))]
    return [
        Reply(
            t._("I'm a bot, not a person, and not the official program.")
            + " "
            + t._(
                "I've passed you on to our team. A person usually answers {hours} (our "
                "team's hours, not the official call centre's). Write your question here: "
                "your next messages go to them."
            ).format(hours=_hours(ctx))
        ),
        Reply(
            official_help(ctx)
            + " "
            + t._("To go back to the bot's menu at any time, send /batal.")
        ),
    ]


async def relay(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the typed message (redacted) in the open handoff and confirms it was passed on;
    without an open handoff stores the menu step and shows the menu."""
    participant = ctx.participant
    handoff_id = (
        await ctx.store.current_handoff(participant.id) if participant.id is not None else None
    )
    if handoff_id is None:  # closed meanwhile (the agent closed it while this message came)
        participant.step = Step.MENU
        return [menu_reply(ctx)]
    await ctx.store.add_handoff_message(
        handoff_id, scan(msg.text, ctx.program.public_numbers).redacted, ctx.now()
    )
    return [
        Reply(
            ctx.t._("✓ Passed on to our team. A person usually answers {hours}.").format(
                hours=_hours(ctx)
            )
        )
    ]


def waiting(ctx: Context) -> list[Reply]:
    """Stores nothing; reminds the participant that a person will answer."""
    return [
        Reply(
            ctx.t._("Our team will answer here. A person usually answers {hours}.").format(
                hours=_hours(ctx)
            )
        )
    ]


def render(ctx: Context, payload: Payload) -> list[Reply]:
    """An agent's reply as they wrote it, or the note that the bot answers again."""
    t = ctx.t
    if payload.get("closed"):
        return [
            menu_reply(
                ctx,
                t._(
                    "The conversation with our team is closed. I'm back: "
                    "choose from the menu or just type your question."
                ),
            )
        ]
    return [Reply(t._("💬 From our team:") + "\n" + str(payload.get("text", "")))]


def applies(participant: Participant, payload: Payload, now: datetime) -> bool:
    """An agent's answer always goes out."""
    return True


NOTICES = {KIND: Notice(render=render, applies=applies, quiet=False)}  # an awaited answer
