"""Onboarding: who the bot is, the participant's wave or announcement date, their time zone."""

from __future__ import annotations

import logging
import re

from bot.conversation.context import Context
from bot.core.dates import DateError, parse_date
from bot.core.domain import Incoming, Option, Reply, Step
from bot.core.zones import PLACES, ZONES
from bot.nlu.entities import find_date
from handlers import common, stages
from handlers.common import caution, deadline_line, menu_reply, scheme_note

log = logging.getLogger(__name__)

_WAVE = re.compile(r"^(?:gelombang|gel|wave|gl)?\.?\s*(\d{1,3})$", re.IGNORECASE)
# A wave inside a sentence ("aku peserta gel 22 ya"), or a lone number in a short answer.
_WAVE_IN = re.compile(r"\b(?:gelombang|glombang|gelombng|gel|wave|gl)\.?\s*(\d{1,3})\b", re.I)
_LONE = re.compile(r"(?<![\d/.:-])\b(\d{1,3})\b(?![\d/.:-])")
_SHORT_ANSWER = 6  # words
_DONT_KNOW = re.compile(
    r"\b(?:lupa|ga\s*tau|gak\s*tau|gatau|nggak\s*tau|ngga\s*tau|tidak\s*tahu|gk\s*tau|"
    r"ndak\s*tau|belum\s*tau|blm\s*tau|kurang\s*tau|ga\s*inget|gak\s*ingat|tidak\s*ingat|"
    r"don'?t\s*know|not\s*sure|forgot)\b",
    re.I,
)
_MONTH_WORD = re.compile(
    r"\b(?:jan|feb|mar|apr|mei|may|jun|jul|agu|agt|aug|sep|okt|oct|nov|nop|des|dec)[a-z]*\b", re.I
)
_DATE_LIKE = re.compile(r"\d\s*[/.-]\s*\d|\b(?:tgl|tanggal|tahun|thn)\b|\d{4}", re.I)
UNREAD = common.UNREAD  # set when the answer could not be read (a question, perhaps)


def wave_in(text: str) -> int | None:
    """The wave number written in an answer: "22", "gel 22", "aku peserta gelombang 22 ya"."""
    if match := _WAVE.match(text.strip()):
        return int(match.group(1))
    if match := _WAVE_IN.search(text):
        return int(match.group(1))
    numbers = _LONE.findall(text)
    if _MONTH_WORD.search(text) or _DATE_LIKE.search(text):
        return None
    if len(numbers) == 1 and len(text.split()) <= _SHORT_ANSWER:
        return int(numbers[0])
    return None


def where_to_find(ctx: Context) -> Reply:
    """For "lupa" / "ga tau": where the wave and the announcement date can be looked up."""
    return Reply(
        ctx.t._(
            "No problem. Log in at {website}: your dashboard shows the wave you joined (under "
            "“Riwayat Gelombang”) and whether you passed. The date you were announced as "
            "passing is the date of that result."
        ).format(website=ctx.program.program.website)
    )


def _ask_wave(ctx: Context) -> Reply:
    known = ctx.program.dated_waves()
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
    """Stores nothing yet but the step; introduces the bot and asks for the wave or date (a
    revoked participant is told they cannot join again, and nothing changes)."""
    if stages.revoked(ctx):
        return stages.cannot_rejoin(ctx)
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
    today = ctx.t.local(ctx.now()).date()
    number = wave_in(answer)
    if number is None and _DONT_KNOW.search(answer):
        return [where_to_find(ctx), _ask_wave(ctx)]
    if number is None and (found := find_date(answer, today, relative=False)) is not None:
        answer = found.isoformat()
    if number is not None:
        scheme = ctx.program.scheme_for_wave(number)
        if scheme is None:
            return [
                Reply(ctx.t._("I don't know wave {number}.").format(number=number)),
                _ask_wave(ctx),
            ]
        opens = ctx.program.wave_opens(number)
        deadline = ctx.program.deadline_for_wave(number)
        if deadline is None and opens is not None and today < opens:
            return [
                Reply(
                    ctx.t._(
                        "Wave {number} hasn't opened yet as far as I know (not before {date})."
                    ).format(number=number, date=ctx.t.short_date(opens))
                ),
                _ask_wave(ctx),
            ]
        ctx.participant.wave, ctx.participant.scheme = number, scheme
        if deadline is None:
            ctx.participant.step = Step.ASK_ANNOUNCED
            return [_ask_announced(ctx, number)]
        ctx.participant.deadline_utc = deadline
        ctx.participant.announced_on = None
        ctx.participant.step = Step.ASK_TIMEZONE
        log.info("participant %s chose wave %s", ctx.participant.id, number)
        if msg.choice is None and zone_from(answer) is not None:  # "gel 22 wib", "di Jayapura"
            return await process_timezone(ctx, msg)
        return [ask_timezone(ctx)]
    return await _process_date(ctx, answer, retry=_ask_wave(ctx), for_wave=False)


async def process_announced(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the announcement date for a wave without a known deadline; asks the time zone."""
    retry = Reply(ctx.t._("Please type the date like 1/11/2021 or 1 November 2021."))
    answer = msg.text.strip()
    if _DONT_KNOW.search(answer):
        return [where_to_find(ctx), retry]
    if (found := find_date(answer, ctx.t.local(ctx.now()).date(), relative=False)) is not None:
        answer = found.isoformat()
    return await _process_date(ctx, answer, retry=retry, for_wave=True)


async def _process_date(ctx: Context, answer: str, retry: Reply, *, for_wave: bool) -> list[Reply]:
    """Sets the deadline from an announcement date: for the wave just given (`for_wave`), or
    on its own, when the date alone decides the scheme and any earlier wave is dropped."""
    today = ctx.t.local(ctx.now()).date()
    try:
        announced = parse_date(answer, today)
    except DateError:
        return [Reply(ctx.t._("That date does not exist. Please check it.")), retry]
    if announced is None:
        ctx.extras[UNREAD] = True
        return [Reply(ctx.t._("Sorry, I couldn't read that as a wave or a date.")), retry]
    if announced > today:
        return [Reply(ctx.t._("That date is in the future. Please check it.")), retry]
    if announced < ctx.program.program.started_on:
        return [Reply(ctx.t._("That date is before the program began. Please check it.")), retry]
    wave = ctx.participant.wave
    opens = ctx.program.wave_opens(wave) if for_wave and wave is not None else None
    if opens is not None and announced < opens:
        return [
            Reply(
                ctx.t._(
                    "Wave {number} didn't open before {date}, so that can't be its "
                    "announcement date. Please check it."
                ).format(number=wave, date=ctx.t.short_date(opens))
            ),
            retry,
        ]
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


def zone_from(text: str) -> str | None:
    """WIB, WITA or WIT, alone or inside a sentence ("wita kak"), or read from the place the
    participant names ("tinggal di Jayapura")."""
    words = re.findall(r"[A-Za-z]+", text.upper())
    found = {ZONES[w] for w in words if w in ZONES}
    if not found:
        found = {ZONES[PLACES[w.lower()]] for w in words if w.lower() in PLACES}
    return found.pop() if len(found) == 1 else None


async def process_timezone(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the time zone and shows the deadline in it, then the main menu."""
    label = (msg.choice or "").removeprefix("tz:") if msg.choice else msg.text
    zone = zone_from(label)
    if zone is None and _DONT_KNOW.search(label):
        return [
            Reply(
                ctx.t._(
                    "WIB: Sumatra, Java, West and Central Kalimantan. WITA: Bali, Nusa "
                    "Tenggara, South, East and North Kalimantan, Sulawesi. WIT: Maluku and "
                    "Papua. You can also type the city you live in."
                )
            ),
            ask_timezone(ctx),
        ]
    if zone is None:
        ctx.extras[UNREAD] = True
        return [Reply(ctx.t._("Please choose WIB, WITA or WIT.")), ask_timezone(ctx)]
    ctx.participant.timezone = zone
    ctx.retranslate()
    if ctx.participant.deadline_utc is None:
        ctx.participant.step = Step.ASK_WAVE
        return [_ask_wave(ctx)]
    if ctx.now() >= ctx.participant.deadline_utc and "purchase" not in ctx.participant.progress:
        ctx.participant.step = Step.ASK_STAGE  # where are they? nothing concluded before that
        return [stages.ask(ctx)]
    ctx.participant.step = Step.MENU
    said = [deadline_line(ctx), *filter(None, [caution(ctx), scheme_note(ctx)])]
    return [Reply("\n".join(said)), menu_reply(ctx)]
