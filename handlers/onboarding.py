"""Onboarding: who the bot is, the participant's wave or announcement date, their time zone."""

from __future__ import annotations

import logging
import re

from bot.conversation.context import Context
from bot.core.dates import DateError, parse_date
from bot.core.domain import Incoming, Option, Reply, Step
from bot.core.zones import ZONES
from handlers.common import deadline_line, menu_reply, official_help
from handlers.purchase import sanctions

log = logging.getLogger(__name__)

_WAVE = re.compile(r"^(?:gelombang|gel|wave|gl)?\.?\s*(\d{1,3})$", re.IGNORECASE)


def _ask_wave(ctx: Context) -> Reply:
    known = [w.number for w in ctx.program.waves if ctx.program.deadline_for_wave(w.number)]
    options = tuple(
        Option(f"wave:{n}", ctx.t._("Wave {number}").format(number=n)) for n in known[-3:]
    )
    return Reply(
        ctx.t._(
            "Which wave (gelombang) are you in? Type the wave number (e.g. 22) or the date you "
            "were announced as passing selection (e.g. 1/11/2021)."
        ),
        options,
    )


def _ask_announced(ctx: Context, wave: int) -> Reply:
    return Reply(
        ctx.t._(
            "I don't have the deadline of wave {number}. On what date were you "
            "announced as passing selection? (e.g. 1/11/2021)"
        ).format(number=wave)
    )


def ask_timezone(ctx: Context) -> Reply:
    options = tuple(Option(f"tz:{label}", label) for label in ZONES)
    return Reply(
        ctx.t._("Which time zone are you in? WIB, WITA or WIT (if unsure, choose WIB)."), options
    )


async def start(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing yet but the step; introduces the bot and asks for the wave or date."""
    ctx.participant.step = Step.ASK_WAVE
    intro = ctx.t._(
        "Hi! I'm an assistant for Kartu Prakerja participants. I'm not the official program: "
        "I help you with the steps and remind you of your deadline."
    )
    payload = msg.text.split(maxsplit=1)[1] if msg.text.startswith("/start ") else ""
    if payload:
        return [Reply(intro), *await process_wave(ctx, msg, payload)]
    return [Reply(intro), _ask_wave(ctx)]


async def greet(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the menu step and greets a returning participant, or resumes onboarding."""
    step = ctx.participant.step
    if step == Step.ASK_TIMEZONE and ctx.participant.deadline_utc is not None:
        return [Reply(ctx.t._("Hi again!")), ask_timezone(ctx)]
    if step == Step.ASK_ANNOUNCED and ctx.participant.wave is not None:
        return [Reply(ctx.t._("Hi again!")), _ask_announced(ctx, ctx.participant.wave)]
    if not ctx.participant.onboarded:
        return await start(ctx, msg)
    ctx.participant.step = Step.MENU
    if "purchase" in ctx.participant.progress:
        return [Reply(ctx.t._("Hi again!")), menu_reply(ctx)]
    return [Reply(ctx.t._("Hi again!")), menu_reply(ctx, deadline_line(ctx))]


async def choose_wave(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the wave picked by button and asks for the time zone (or the date)."""
    return await process_wave(ctx, msg, (msg.choice or "").removeprefix("wave:"))


async def process_wave(ctx: Context, msg: Incoming, text: str | None = None) -> list[Reply]:
    """Stores the wave (or announcement date) typed and asks for the time zone."""
    answer = (text if text is not None else msg.text).strip()
    ctx.participant.step = Step.ASK_WAVE
    if match := _WAVE.match(answer):
        number = int(match.group(1))
        scheme = ctx.program.scheme_for_wave(number)
        if scheme is None:
            return [
                Reply(ctx.t._("I don't know wave {number}.").format(number=number)),
                _ask_wave(ctx),
            ]
        ctx.participant.wave, ctx.participant.scheme = number, scheme
        deadline = ctx.program.deadline_for_wave(number)
        if deadline is None:
            ctx.participant.step = Step.ASK_ANNOUNCED
            return [_ask_announced(ctx, number)]
        ctx.participant.deadline_utc = deadline
        ctx.participant.announced_on = None
        ctx.participant.step = Step.ASK_TIMEZONE
        log.info("participant %s chose wave %s", ctx.participant.id, number)
        return [ask_timezone(ctx)]
    return await _process_date(ctx, answer, retry=_ask_wave(ctx), for_wave=False)


async def process_announced(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the announcement date for a wave without a known deadline; asks the time zone."""
    retry = Reply(ctx.t._("Please type the date like 1/11/2021 or 1 November 2021."))
    return await _process_date(ctx, msg.text.strip(), retry=retry, for_wave=True)


async def _process_date(ctx: Context, answer: str, retry: Reply, *, for_wave: bool) -> list[Reply]:
    """Sets the deadline from an announcement date: for the wave just given (`for_wave`), or
    on its own, when the date alone decides the scheme and any earlier wave is dropped."""
    today = ctx.t.local(ctx.now()).date()
    try:
        announced = parse_date(answer, today)
    except DateError:
        return [Reply(ctx.t._("That date does not exist. Please check it.")), retry]
    if announced is None:
        return [Reply(ctx.t._("Sorry, I couldn't read that as a wave or a date.")), retry]
    if announced > today:
        return [Reply(ctx.t._("That date is in the future. Please check it.")), retry]
    if announced < ctx.program.program.started_on:
        return [Reply(ctx.t._("That date is before the program began. Please check it.")), retry]
    if for_wave and ctx.participant.scheme:
        scheme = ctx.participant.scheme
    else:
        scheme = ctx.program.scheme_for_date(announced)
        ctx.participant.wave = None
    ctx.participant.scheme = scheme
    ctx.participant.announced_on = announced
    ctx.participant.deadline_utc = ctx.program.deadline_for_announcement(announced, scheme)
    ctx.participant.step = Step.ASK_TIMEZONE
    log.info("participant %s gave an announcement date", ctx.participant.id)
    return [ask_timezone(ctx)]


def _zone_from(text: str) -> str | None:
    word = text.strip().upper()
    if word in ZONES:
        return ZONES[word]
    return None


async def process_timezone(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the time zone and shows the deadline in it, then the main menu."""
    label = (msg.choice or "").removeprefix("tz:") if msg.choice else msg.text
    zone = _zone_from(label)
    if zone is None:
        return [Reply(ctx.t._("Please choose WIB, WITA or WIT.")), ask_timezone(ctx)]
    ctx.participant.timezone = zone
    ctx.retranslate()
    if ctx.participant.deadline_utc is None:
        ctx.participant.step = Step.ASK_WAVE
        return [_ask_wave(ctx)]
    ctx.participant.step = Step.MENU
    replies = [Reply(deadline_line(ctx))]
    if ctx.now() >= ctx.participant.deadline_utc and "purchase" not in ctx.participant.progress:
        replies += [sanctions(ctx), Reply(official_help(ctx))]
    return [*replies, menu_reply(ctx)]
