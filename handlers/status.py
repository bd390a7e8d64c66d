"""Status: the checklist of the program's steps, the deadline and the days left."""

from __future__ import annotations

from bot.domain import Incoming, Reply, Step
from handlers.common import CHECKLIST, deadline_line, menu_options
from handlers.context import Context
from handlers.onboarding import start


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the menu step; shows done / not yet for each step and the deadline."""
    if not ctx.participant.onboarded:
        return await start(ctx, msg)
    ctx.participant.step = Step.MENU
    t, progress = ctx.t, ctx.participant.progress
    rows = []
    for item, label in CHECKLIST:
        if item in progress:
            when = t.short_date(t.local(progress[item]).date())
            rows.append("✅ " + t._("{step} ({date})").format(step=t._(label), date=when))
        else:
            rows.append("⬜ " + t._("{step}: not yet").format(step=t._(label)))
    header = t._("Your progress:")
    replies = [Reply(header + "\n" + "\n".join(rows))]
    if "purchase" not in progress:
        replies.append(Reply(deadline_line(ctx)))
    replies.append(
        Reply(
            t._("Your reference code: {code}").format(code=ctx.participant.ref_code),
            menu_options(t),
        )
    )
    return replies
