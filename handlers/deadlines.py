"""The deadline's date across zones ("lho kok 1 desember?"): the program states 23:59 WIB on
its date; in WITA or WIT that moment falls on the next day, and a participant who sees both
dates asks which one counts. Stores the topic in the memory; asks nothing."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Option, Reply
from bot.core.zones import zone_label
from bot.nlu.entities import find_date
from handlers.common import back_option, time_left
from handlers.memory import remember

_SHORT = 10  # words: a longer message is a question of its own


async def about_date(ctx: Context, text: str) -> list[Reply] | None:
    """The answer when a short message names the deadline's date in WIB or in the participant's
    own zone, where the two differ; None otherwise."""
    p, t = ctx.participant, ctx.t
    deadline = p.deadline_utc
    if deadline is None or "purchase" in p.progress or len(text.split()) > _SHORT:
        return None
    asked = find_date(text, t.local(ctx.now()).date(), relative=False)
    stated_day = deadline.astimezone(ctx.program.deadline_zone).date()
    local_day = t.local(deadline).date()
    if asked is None or stated_day == local_day or asked not in (stated_day, local_day):
        return None
    await remember(ctx, "deadline")
    stated_zone = ctx.program.program.deadline_timezone
    said = t._(
        "The program sets the deadline at {stated}. In {zone} that same moment is {local}: "
        "it is one deadline, your clock just shows it an hour or two later. Buy before then: "
        "{left}."
    ).format(
        stated=t.datetime_in(deadline, stated_zone),
        zone=zone_label(p.timezone),
        local=t.datetime(deadline),
        left=time_left(ctx),
    )
    options = (
        Option("menu:purchase", t._("How to buy a training")),
        Option("purchase:done", t._("I've bought it")),
        back_option(t),
    )
    return [Reply(said, options)]
