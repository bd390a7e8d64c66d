"""Confirmations before acting on what a post says: recording the first purchase and stopping
the reminders are asked first (yes/no buttons); a question asked beside the purchase is
answered before the offer."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply, Step
from handlers import facts, knowledge, purchase, reminders
from handlers.common import deadline_line, menu_reply


async def ask_purchase(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the confirmation step and asks whether the first training was really bought."""
    if "purchase" in ctx.participant.progress:
        return await purchase.record(ctx, msg)
    first = await knowledge.beside(ctx, msg.text)  # the question asked, first
    if first is not None and not facts.claims_purchase(msg.text):
        return [first]  # a question about buying states nothing: no offer to record
    if facts.supposes_or_denies_purchase(msg.text):  # "klo udh beli ...": nothing to record
        return [menu_reply(ctx, deadline_line(ctx))]
    ctx.participant.step = Step.CONFIRM_PURCHASE
    t = ctx.t
    no = t._("Not yet")
    return [
        *([Reply(first.text)] if first else []),
        Reply(
            t._(
                "Have you bought your first training? I'll record it and stop the deadline "
                "reminders."
            ),
            (Option("purchase:yes", t._("Yes, I've bought it")), Option("purchase:no", no)),
        ),
    ]


async def not_purchased(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the menu step (nothing recorded) and repeats the deadline."""
    ctx.participant.step = Step.MENU
    return [Reply(ctx.t._("Okay, nothing recorded.")), menu_reply(ctx, deadline_line(ctx))]


async def ask_stop(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the confirmation step and asks whether to really stop the reminders."""
    t = ctx.t
    if not ctx.participant.reminders_enabled:
        return await reminders.show(ctx, msg)
    ctx.participant.step = Step.CONFIRM_STOP
    return [
        Reply(
            t._("Stop the deadline reminders? You can turn them on again with /reminders."),
            (Option("stop:yes", t._("Yes, stop them")), Option("stop:no", t._("No, keep them"))),
        )
    ]


async def keep_reminders(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the menu step (reminders unchanged) and shows the menu."""
    ctx.participant.step = Step.MENU
    return [menu_reply(ctx, ctx.t._("Okay, the reminders stay on."))]
