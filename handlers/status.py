"""Status: the checklist of the program's steps, the deadline, the incentive timeline and the
participant's reference code."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Reply, Step
from handlers import incentives
from handlers.common import CHECKLIST, deadline_line
from handlers.onboarding import start


def checklist(ctx: Context) -> Reply:
    """Done / not yet for each of the program's steps."""
    t, progress = ctx.t, ctx.participant.progress
    rows = []
    for item, label in CHECKLIST:
        if item in progress:
            when = t.short_date(t.local(progress[item]).date())
            rows.append("✅ " + t._("{step} ({date})").format(step=t._(label), date=when))
        else:
            rows.append("⬜ " + t._("{step}: not yet").format(step=t._(label)))
    return Reply(t._("Your progress:") + "\n" + "\n".join(rows))


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the menu step and benefit changes; shows progress, benefits and the next step."""
    if not ctx.participant.onboarded:
        return await start(ctx, msg)
    ctx.participant.step = Step.MENU
    t = ctx.t
    replies = [checklist(ctx)]
    if "purchase" not in ctx.participant.progress:
        replies.append(Reply(deadline_line(ctx)))
    replies.append(Reply(t._("Your reference code: {code}").format(code=ctx.participant.ref_code)))
    if contact := incentives.ask_contact(ctx):
        replies.append(contact)
    return replies + await incentives.replies(ctx)
