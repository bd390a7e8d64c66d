"""After an agent closes a handoff: one question, "did that help?", answered with one tap
(outbox kind `satisfaction`; on WhatsApp only inside the 24-hour window, never as a template).
The answer is stored on the handoff for the console's figures."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Participant, Reply
from handlers.common import menu_reply
from handlers.notices import Notice, Payload

KIND = "satisfaction"
WINDOW = timedelta(hours=23, minutes=55)  # WhatsApp's 24 hours, with a margin
ANSWERS = {"csat:good": "good", "csat:bad": "bad"}
RATED_WITHIN = timedelta(days=7)


def render(ctx: Context, payload: Payload) -> list[Reply]:
    """The question with its two answers."""
    t = ctx.t
    return [
        Reply(
            t._("Did our team help you? One tap is enough."),
            (
                Option("csat:good", t._("👍 Yes, it helped")),
                Option("csat:bad", t._("👎 Not really")),
            ),
        )
    ]


def applies(participant: Participant, payload: Payload, now: datetime) -> bool:
    """Always on Telegram; on WhatsApp only while the participant's last message is recent
    enough for a free-form message (a template would cost and intrude)."""
    if participant.channel != "whatsapp":
        return True
    last = participant.last_inbound_at
    return last is not None and now - last <= WINDOW


async def answer(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the answer on the handoff just closed; thanks them and shows the menu."""
    value = ANSWERS.get(msg.choice or "")
    pid = ctx.participant.id
    if value is not None and pid is not None:
        await ctx.store.rate_handoff(pid, value, ctx.now() - RATED_WITHIN)
    return [menu_reply(ctx, ctx.t._("Thank you for telling us! 🙏"))]


NOTICES = {KIND: Notice(render=render, applies=applies, quiet=False)}
