"""Step 3: buying the first training before the deadline, and recording the purchase."""

from __future__ import annotations

import logging

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Question, Reply, Step
from handlers.common import (
    back_option,
    deadline_line,
    deadline_missed,
    mark_done,
    menu_reply,
    missed_line,
)
from handlers.memory import remember

log = logging.getLogger(__name__)


def sanctions(ctx: Context) -> Reply:
    """The three sanctions for missing the purchase deadline."""
    return Reply(
        ctx.t._(
            "If you don't buy your first training by the deadline:\n"
            "1. your membership is revoked;\n"
            "2. you get no incentive and the unused training fund is forfeited;\n"
            "3. you can never join a later wave."
        )
    )


def purchase_options(ctx: Context) -> tuple[Option, ...]:
    return (
        Option("purchase:done", ctx.t._("I've bought it")),
        Option("menu:purchase", ctx.t._("How to buy a training")),
    )


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains how to buy and pay, the deadline and the sanctions."""
    t = ctx.t
    replies = [
        Reply(
            t._(
                "Choose a training on a platform, then pay with your 16-digit Kartu Prakerja "
                "number. The platform sends an OTP to confirm the payment: enter it only there."
            )
        ),
    ]
    if "purchase" in ctx.participant.progress:
        bought = ctx.participant.progress["purchase"]
        replies.append(
            Reply(
                t._("You bought your first training on {date}.").format(
                    date=t.short_date(t.local(bought).date())
                ),
                (back_option(t),),
            )
        )
        return replies
    if deadline_missed(ctx):
        return [
            *replies,
            Reply(
                deadline_line(ctx) + "\n" + missed_line(ctx),
                (Option("purchase:done", t._("I bought it in time")), back_option(t)),
            ),
        ]
    replies.append(Reply(deadline_line(ctx)))
    replies.append(sanctions(ctx))
    replies.append(
        Reply(
            t._("Tell me once you have bought it."),
            (Option("purchase:done", t._("I've bought it")), back_option(t)),
        )
    )
    return replies


ASK_DATE = Question.PURCHASE_DATE  # on what date was it bought? (handlers/waiting.py)


async def record(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the purchase date (the first one only) and shows the menu; after the deadline
    stores nothing yet and asks on what date it was bought (never recorded as in time)."""
    ctx.participant.step = Step.MENU
    if deadline_missed(ctx):
        await remember(ctx, "purchased", question=ASK_DATE)
        return [
            Reply(
                ctx.t._(
                    "Your deadline has passed, so I need the date: on what day did you buy "
                    "your first training? (e.g. 28/11)"
                ),
                (back_option(ctx.t),),
            )
        ]
    if mark_done(ctx, "purchase"):
        log.info("participant %s recorded a purchase", ctx.participant.id)
        ctx.participant.progress.setdefault("platform", ctx.now())
        text = ctx.t._(
            "Great, your purchase is recorded. Finish the training to get the certificate."
        )
    else:
        text = ctx.t._("I already have your purchase recorded.")
    return [menu_reply(ctx, text)]
