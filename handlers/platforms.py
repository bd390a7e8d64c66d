"""Step 2: the digital platforms from the program file, and tips for comparing them."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply
from handlers.common import back_option


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; lists the platforms with a line each and asks which one to look at."""
    t = ctx.t
    key = ctx.participant.scheme or ctx.program.program.default_scheme
    found, known = ctx.program.platforms_for(key)
    lines = "\n".join(f"• {p.name}: {p.line.get(t.locale)}" for p in found)
    if not known:  # another year's list: said with that caution
        lines += "\n" + t._(
            "This list is from wave 22 (2021); the platforms for your wave may differ, so "
            "check the list in your dashboard."
        )
    tips = t._(
        "Tips: compare the price, the reviews and ratings, the training hours and the "
        "schedule. Choose a training that fits what you need for work."
    )
    return [
        Reply(t._("Trainings can be bought on these platforms:") + "\n" + lines),
        Reply(
            tips,
            (Option("done:platform", t._("I've chosen a platform")), back_option(t)),
        ),
    ]
