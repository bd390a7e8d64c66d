"""Status in two messages: the checklist of the program's steps with the deadline and the
reference code; then the benefit timeline with the one next step."""

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
    lines = [checklist(ctx).text]
    if "purchase" not in ctx.participant.progress:
        lines.append(deadline_line(ctx))
    lines.append(t._("Your reference code: {code}").format(code=ctx.participant.ref_code))
    contact = incentives.ask_contact(ctx)
    if contact is not None:
        lines.append(contact.text)
    progress = Reply("\n\n".join(lines), request_contact=contact is not None)
    return [progress, *await incentives.replies(ctx)]
