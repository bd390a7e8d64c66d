"""The OTP: where to enter it, and what to do when it doesn't arrive or is wrong."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Reply
from handlers.common import back_option, official_help


def warning(ctx: Context) -> str:
    return ctx.t._("Never share an OTP code with anyone, including this bot.")


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains the OTP and the partners' customer service numbers."""
    t, timings = ctx.t, ctx.program.timings
    service = "\n".join(f"• {p.name}: {p.customer_service}" for p in ctx.program.partners)
    return [
        Reply(
            t._("Enter the OTP only on the website or platform that asked for it.")
            + " "
            + warning(ctx)
        ),
        Reply(
            t._(
                "OTP not arriving? Check that your Prakerja phone number is active and is the "
                "same number as your e-wallet, then request a new code."
            )
        ),
        Reply(
            t.ngettext(
                "Wrong more than {count} times? Wait {hours} hour and try again.",
                "Wrong more than {count} times? Wait {hours} hours and try again.",
                timings.otp_wait_hours,
            ).format(count=timings.otp_max_wrong, hours=timings.otp_wait_hours)
        ),
        Reply(t._("Partner customer service:") + "\n" + service),
        Reply(official_help(ctx), (back_option(t),)),
    ]
