"""The main menu: showing it, and going back to it from anywhere (/batal)."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Reply, Step
from handlers.common import deadline_missed, menu_reply, missed_line
from handlers.onboarding import start


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the menu step and shows the menu (or starts onboarding for a newcomer)."""
    if not ctx.participant.onboarded:
        return await start(ctx, msg)
    ctx.participant.step = Step.MENU
    if deadline_missed(ctx):  # say what it means before the (shorter) menu
        return [menu_reply(ctx, missed_line(ctx))]
    return [menu_reply(ctx)]


async def cancel(ctx: Context, msg: Incoming) -> list[Reply]:
    """Drops whatever was being asked (a talk with the team too: its handoff is closed),
    stores the menu step and shows the menu."""
    if not ctx.participant.onboarded:
        return await start(ctx, msg)
    if ctx.participant.step == Step.HANDOFF and ctx.participant.id is not None:
        await ctx.store.leave_handoff(ctx.participant.id, ctx.now())
    ctx.participant.step = Step.MENU
    return [menu_reply(ctx, ctx.t._("Okay, cancelled. Back to the menu."))]
