"""Reminder settings: showing whether reminders are on, and turning them off or on."""

from __future__ import annotations

import logging

from bot.domain import Incoming, Option, Reply, Step
from handlers.common import back_option, menu_reply
from handlers.context import Context

log = logging.getLogger(__name__)


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; says whether deadline reminders are on and offers to switch."""
    t = ctx.t
    if ctx.participant.reminders_enabled:
        return [
            Reply(
                t._("Deadline reminders are on. I'll remind you before your purchase deadline."),
                (Option("reminders:off", t._("Turn reminders off")), back_option(t)),
            )
        ]
    return [
        Reply(
            t._("Deadline reminders are off."),
            (Option("reminders:on", t._("Turn reminders on")), back_option(t)),
        )
    ]


async def stop(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores reminders as off and says how to turn them back on."""
    ctx.participant.reminders_enabled = False
    if ctx.participant.onboarded:
        ctx.participant.step = Step.MENU
    log.info("participant %s stopped reminders", ctx.participant.id)
    return [
        Reply(
            ctx.t._("Okay, I won't send you reminders any more. Send /pengingat to turn them on."),
            (back_option(ctx.t),),
        )
    ]


async def resume(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores reminders as on and shows the menu."""
    ctx.participant.reminders_enabled = True
    log.info("participant %s resumed reminders", ctx.participant.id)
    return [menu_reply(ctx, ctx.t._("Reminders are on again."))]
