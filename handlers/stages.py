"""Where a participant is in the program, asked when onboarding finds their deadline already
passed (not bought yet, bought, finished, certificate, paid) before anything is concluded about
sanctions; and what a revoked participant (deadline passed, nothing bought) is told when they
ask to join again: by the program's rules they never can."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time

from bot.conversation.context import Context, Handler
from bot.core.domain import Incoming, Option, Reply, Step
from bot.core.i18n import N_
from bot.nlu.cues import cues
from bot.nlu.reading import asks
from handlers import purchase
from handlers.common import (
    UNREAD,
    back_option,
    deadline_line,
    deadline_missed,
    deadline_when,
    menu_reply,
    official_help,
)

log = logging.getLogger(__name__)

STAGES: tuple[tuple[str, str], ...] = (
    ("not_bought", N_("Not bought yet")),
    ("bought", N_("Training bought")),
    ("finished", N_("Training finished")),
    ("certificate", N_("Got the certificate")),
    ("paid", N_("Incentive paid")),
)
# The progress items each stage implies (a purchase's date is asked: handlers/purchase.py).
IMPLIES: dict[str, tuple[str, ...]] = {
    "finished": ("purchase", "platform", "finished"),
    "certificate": ("purchase", "platform", "finished", "certificate"),
    "paid": ("purchase", "platform", "finished", "certificate", "review", "linking"),
}


def ask(ctx: Context) -> Reply:
    """The question, with one button per stage."""
    t, deadline = ctx.t, ctx.participant.deadline_utc
    assert deadline is not None
    text = t._(
        "Your purchase deadline was {when}. Before I say what that means for you: where are you "
        "in the program now?"
    ).format(when=deadline_when(ctx, deadline))
    return Reply(text, tuple(Option(f"stage:{key}", t._(label)) for key, label in STAGES))


def stage_in(ctx: Context, text: str) -> str | None:
    """The furthest stage a typed answer names ("udah dapet sertifikat"), if any; a question
    ("kapan sertifikat keluar?") names one only where it says so ("udah beli, terus?")."""
    said = cues().progress_in(text, marked=asks(text))
    for key in ("paid", "certificate", "finished"):
        if key in said:
            return key
    if "purchase" in said:
        return "bought"
    if cues().says_not_yet(text):
        return "not_bought"
    return None


async def choose(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the stage picked by button (see `settle`)."""
    return await settle(ctx, msg, (msg.choice or "").removeprefix("stage:"))


async def process(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the stage typed; asks again when none is named."""
    key = stage_in(ctx, msg.text)
    if key is None:
        ctx.extras[UNREAD] = True  # perhaps a question: answered, then asked again
        return [ask(ctx)]
    return await settle(ctx, msg, key)


async def settle(ctx: Context, msg: Incoming, key: str) -> list[Reply]:
    """Stores the progress the stage implies and the menu step; only "not bought yet" gets the
    sanctions; "bought" is asked its date (never recorded as in time without it)."""
    p, t = ctx.participant, ctx.t
    p.step = Step.MENU
    log.info("participant %s: late onboarding at stage %s", p.id, key)
    if key == "bought":
        return await purchase.record(ctx, msg)
    if key in IMPLIES:
        assert p.deadline_utc is not None
        # bought by the deadline, on a day not known more exactly: noted on the deadline's date
        day = p.deadline_utc.astimezone(ctx.program.deadline_zone).date()
        by = datetime.combine(day, time(12), ctx.program.deadline_zone).astimezone(UTC)
        for item in IMPLIES[key]:
            p.progress.setdefault(item, by if item in ("purchase", "platform") else ctx.now())
        text = t._("Noted. Your deadline is behind you, so it doesn't concern you any more.")
        if key == "paid":
            text += " " + t._("/status shows your benefits; tell me if a payment is missing.")
        return [menu_reply(ctx, text)]
    said = (deadline_line(ctx), purchase.sanctions(ctx).text, official_help(ctx))
    return [Reply("\n\n".join(said)), menu_reply(ctx)]


def cannot_rejoin(ctx: Context) -> list[Reply]:
    """A revoked participant asking to join again: they never can, and why."""
    t = ctx.t
    text = t._(
        "Your purchase deadline passed with no purchase recorded, so by the program's rules your "
        "membership was revoked, and a revoked participant can never join a later wave. I can't "
        "set you up for a new wave."
    )
    return [
        Reply(text),
        Reply(
            t._("If you did buy in time, tell me, and check your dashboard.")
            + "\n"
            + official_help(ctx),
            (Option("purchase:done", t._("I bought it in time")), back_option(t)),
        ),
    ]


def revoked(ctx: Context) -> bool:
    """Onboarded, and the deadline passed with no purchase: the membership was revoked."""
    return ctx.participant.onboarded and deadline_missed(ctx)


def unless_revoked(handler: Handler) -> Handler:
    """The handler, except for a revoked participant: then that they cannot rejoin."""

    async def gated(ctx: Context, msg: Incoming) -> list[Reply]:
        if revoked(ctx):
            return cannot_rejoin(ctx)
        return await handler(ctx, msg)

    gated.__doc__ = handler.__doc__
    return gated
