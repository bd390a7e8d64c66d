"""The OTP: the bot never takes one; where it goes, and what to do when it doesn't arrive or
is refused."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply
from handlers.common import back_option, official_help, partners
from handlers.guard import WARNED


def warning(ctx: Context) -> str:
    return ctx.t._("Never share an OTP code with anyone, including this bot.")


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; helps with OTP problems (the bot never takes an OTP)."""
    t, timings = ctx.t, ctx.program.timings
    first = t._("Enter the OTP only on the website or platform that asked for it.")
    if not ctx.extras.get(WARNED):  # the warning appears once per reply
        first += " " + warning(ctx)
    service = ", ".join(f"{p.name} {p.customer_service}" for p in partners(ctx))
    return [
        Reply(
            first
            + "\n"
            + t._(
                "OTP not arriving? Check that your Prakerja phone number is active and is the "
                "same number as your e-wallet, then request a new code."
            )
            + " "
            + t.ngettext(
                "Wrong more than {count} times? Wait {hours} hour and try again.",
                "Wrong more than {count} times? Wait {hours} hours and try again.",
                timings.otp_wait_hours,
            ).format(count=timings.otp_max_wrong, hours=timings.otp_wait_hours)
        ),
        Reply(
            t._("Partner customer service:") + " " + service + "\n" + official_help(ctx),
            (Option("followup:otp", t._("Still not working")), back_option(t)),
        ),
    ]
