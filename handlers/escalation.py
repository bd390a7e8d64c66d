"""Handing a problem the bot could not solve to a person: today the official channels."""

from __future__ import annotations

import logging

from bot.conversation.context import Context
from bot.core.domain import Reply
from handlers import handoff
from handlers.common import back_option, official_help
from handlers.troubleshooting import services

log = logging.getLogger(__name__)

# Topics where the bank's or e-wallet's own customer service is the first person to ask.
_PARTNER_TOPICS = ("link_account", "incentive_status", "otp")


async def escalate(ctx: Context, topic: str) -> list[Reply]:
    """Stores a handoff to the operators' team for `topic` (handlers/handoff.py), or, when
    none can be opened, sends the participant to the official channels."""
    t = ctx.t
    log.info("participant %s: %s escalated to a person", ctx.participant.id, topic)
    if await handoff.start(ctx, f"not solved by the bot: {topic}"):
        text = t._(
            "I can't solve this from here, and I won't send you round in circles: I've passed "
            "you on to our team. A person usually answers {hours}. Write here what happens "
            "and what you already tried; never give your OTP, PIN or password to anyone."
        ).format(hours=handoff.hours(ctx))
        more = official_help(ctx)
        if topic in _PARTNER_TOPICS:
            more += "\n" + t._("Bank/e-wallet customer service: {service}").format(
                service=services(ctx)
            )
        more += "\n" + t._("To go back to the bot's menu at any time, send /batal.")
        return [Reply(text), Reply(more)]
    first = t._(
        "I can't solve this from here, and I won't send you round in circles: a person has to "
        "look at your account. Tell them your problem, your wave and what you already tried. "
        "Never give your OTP, PIN or password to anyone, even someone who says they're staff."
    )
    channels = official_help(ctx)
    if topic in _PARTNER_TOPICS:
        channels += "\n" + t._("Bank/e-wallet customer service: {service}").format(
            service=services(ctx)
        )
    return [Reply(first), Reply(channels, (back_option(t),))]
