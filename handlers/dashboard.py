"""Step 1: checking the dashboard (login, the 16-digit card number, the training fund)."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply
from handlers.common import back_option
from handlers.guard import WARNED


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains the dashboard and offers to mark it checked."""
    t, program = ctx.t, ctx.program
    fund = next(
        (b.amount for b in program.schemes[_scheme(ctx)].benefits if b.kind == "training_fund"),
        None,
    )
    lines = [
        Reply(
            t._("Log in at {website} and open your dashboard.").format(
                website=program.program.website
            )
        ),
        Reply(
            t._(
                "There is no physical card: your Kartu Prakerja is the 16-digit number shown in "
                "the dashboard. You pay for the training with it."
            )
        ),
    ]
    if fund is not None:
        lines.append(
            Reply(
                t._("Check that your training fund of {amount} is available.").format(
                    amount=t.money(fund)
                )
            )
        )
    options = (Option("done:dashboard", t._("Done, checked")), back_option(t))
    if ctx.extras.get(WARNED):  # the warning appears once per reply
        lines[-1] = Reply(lines[-1].text, options)
    else:
        lines.append(Reply(t._("Never share the card number's OTP with anyone."), options))
    return lines


def _scheme(ctx: Context) -> str:
    return ctx.participant.scheme or ctx.program.program.default_scheme
