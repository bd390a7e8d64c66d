"""What a participant says about themselves in a post ("aku gel 23", "sudah beli tgl 25"):
stored only after a yes/no confirmation when it would change what the bot knows; a purchase
after the deadline is said honestly, never recorded as in time."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Question, Reply, Step
from bot.nlu import classifier
from bot.nlu.cues import cues
from bot.nlu.entities import find_day
from handlers import incentives, stages
from handlers.common import (
    CHECKLIST,
    deadline_line,
    deadline_when,
    mark_done,
    menu_reply,
    official_help,
)
from handlers.memory import recall, remember
from handlers.statuses import partner_in

log = logging.getLogger(__name__)
CHECKLIST_LABELS = dict(CHECKLIST)

_OWN_WAVE = re.compile(
    r"\b(?:aku|saya|sy|gw|gue|ak|aq|peserta|ikut|dapat|dapet|lolos|i am|i'm|my)\b[^.?!\n]{0,25}?"
    r"\b(?:gelombang|gel|glombang|wave)\.?\s*(\d{1,3})\b",
    re.IGNORECASE,
)
QUESTION = Question.CONFIRM_FACT  # answered through handlers/waiting.py


_NOT_OWN = re.compile(
    r"\b(?:ga|gak|gk|nggak|ngga|enggak|tidak|tdk|tak|blm|belum|not|didn't)\s+(?:lolos|dapat|"
    r"dapet|ikut|passed)\b|\b(?:dari|dr|sejak|since|from)\s+(?:gelombang|gel|glombang|wave)\b",
    re.IGNORECASE,
)


def own_wave(text: str) -> int | None:
    """The wave a participant says they are in ("aku peserta gel 22"), if any; not one they
    failed or count from ("udh 3x ga lolos dr gel 19")."""
    match = _OWN_WAVE.search(text)
    return int(match.group(1)) if match and not _NOT_OWN.search(match.group(0)) else None


def _local_noon(ctx: Context, day: date) -> datetime:
    zone = ZoneInfo(ctx.participant.timezone)
    return datetime.combine(day, time(12, 0), tzinfo=zone).astimezone(UTC)


async def offer_wave(ctx: Context, wave: int) -> list[Reply] | None:
    """Asks to change the stored wave to `wave` (None when nothing would change)."""
    p, t = ctx.participant, ctx.t
    if p.wave == wave or ctx.program.scheme_for_wave(wave) is None:
        return None
    if stages.revoked(ctx):  # "kalo sy daftar lagi di gelombang 23 bisa ga?"
        await remember(ctx, "next_wave")
        return stages.cannot_rejoin(ctx)
    opens = ctx.program.wave_opens(wave)
    if opens is not None and t.local(ctx.now()).date() < opens:
        return None  # a wave still to come: not the participant's own
    deadline = ctx.program.deadline_for_wave(wave)
    await remember(ctx, "deadline", question=QUESTION, kind="wave", wave=wave)
    if deadline is None:
        text = t._("You're in wave {number}? I have no deadline for that wave yet.").format(
            number=wave
        )
        return [Reply(text + " " + t._("Send /start to set it with your announcement date."))]
    if p.wave is None:
        text = t._("You're in wave {new}? Then your deadline is {when}. Change it?").format(
            new=wave, when=deadline_when(ctx, deadline)
        )
    else:
        text = t._(
            "You're in wave {new}, not {old}? Then your deadline is {when}. Change it?"
        ).format(new=wave, old=p.wave, when=deadline_when(ctx, deadline))
    return [Reply(text, _yes_no(ctx))]


_ANNOUNCED = re.compile(
    r"\b(?:lolos|diumumkan|pengumuman|keterima|diterima|announced|passed)\b", re.IGNORECASE
)


async def offer_announced(ctx: Context, text: str) -> list[Reply] | None:
    """ "Aku lolos tgl 28 okt": asks to set the deadline from that announcement date (only for
    a participant whose wave has no deadline of its own; None when nothing would change)."""
    p, t, program = ctx.participant, ctx.t, ctx.program
    if not _ANNOUNCED.search(text) or (p.wave and program.deadline_for_wave(p.wave)):
        return None
    today = t.local(ctx.now()).date()
    day = _past_date(text, today)
    if day is None or day > today or day == p.announced_on or day < program.program.started_on:
        return None
    deadline = program.deadline_for_announcement(day, program.scheme_for_date(day))
    if deadline == p.deadline_utc:
        return None
    await remember(ctx, "deadline", question=QUESTION, kind="announced", day=day.isoformat())
    text = t._(
        "You were announced as passing on {date}? Then your deadline is {when}. Change it?"
    ).format(date=t.short_date(day), when=deadline_when(ctx, deadline))
    return [Reply(text, _yes_no(ctx))]


def _yes_no(ctx: Context) -> tuple[Option, ...]:
    return (
        Option("fact:yes", ctx.t._("Yes, change it")),
        Option("fact:no", ctx.t._("No, keep it")),
    )


async def offer_purchase(ctx: Context, text: str) -> list[Reply] | None:
    """ "Sudah beli tgl 25": asks to record that day, or says honestly that it was too late."""
    p, t = ctx.participant, ctx.t
    today = t.local(ctx.now()).date()
    bought = _past_date(text, today)
    if bought is None or p.deadline_utc is None or "purchase" in p.progress:
        return None
    last = t.local(p.deadline_utc).date()
    day = t.short_date(bought)
    if bought > today:
        return [
            Reply(
                t._("{date} hasn't come yet. On what day did you buy your first training?").format(
                    date=day
                )
            )
        ]
    if bought > last:
        await remember(ctx, "sanctions")
        return [
            Reply(
                t._(
                    "{date} is after your deadline ({deadline}), so by the program's rules that "
                    "purchase doesn't count as your first one in time, and I won't record it as "
                    "in time."
                ).format(date=day, deadline=t.short_date(last))
            ),
            Reply(
                t._("If your dashboard says otherwise, ask the official channels:")
                + " "
                + official_help(ctx)
            ),
        ]
    await remember(ctx, "purchased", question=QUESTION, kind="purchase", day=bought.isoformat())
    p.step = Step.MENU
    return [
        Reply(
            t._("You bought your first training on {date}? I'll record it.").format(date=day),
            (
                Option("fact:yes", t._("Yes, record it")),
                Option("fact:no", t._("No")),
            ),
        )
    ]


_USES = re.compile(r"\b(?:pakai|pake|pakek|gunakan|punya|use|using)\b", re.IGNORECASE)
# A question about linking ("cara sambungin ke ovo?") states no fact about the participant.
_ASKS = re.compile(
    r"\?|\b(?:cara|gimana|gmn|bagaimana|bisa|bisakah|boleh|apa|apakah|kenapa|knp|how|can)\b",
    re.IGNORECASE,
)


async def offer_wallet(ctx: Context, text: str) -> list[Reply] | None:
    """ "Aku pakai OVO": asks to note the bank or e-wallet the participant uses (for the right
    customer service later); None when none is named or nothing would change."""
    partner = partner_in(ctx, text, stored=False)
    if partner is None or partner.name == ctx.participant.wallet:
        return None
    if not _USES.search(text) or _ASKS.search(text):
        return None
    await remember(ctx, "link_account", question=QUESTION, kind="wallet", name=partner.name)
    t = ctx.t
    return [
        Reply(
            t._(
                "You use {name} for your incentive? I'll note it, to point you to the right "
                "customer service later."
            ).format(name=partner.name),
            (Option("fact:yes", t._("Yes, record it")), Option("fact:no", t._("No"))),
        )
    ]


# Progress said in words that the checklist records (a purchase has its own offer, with a date).
_SAID_PROGRESS = ("finished", "certificate", "review", "linking")


async def offer_progress(ctx: Context, text: str) -> list[Reply] | None:
    """ "udh kasih ulasan, rekening udh nyambung": asks to record those steps as done (None when
    none is said, or all are recorded already)."""
    p, t = ctx.participant, ctx.t
    if not p.onboarded:
        return None
    said = [i for i in cues().progress_in(text, marked=True) if i in _SAID_PROGRESS]
    items = [i for i in said if i not in p.progress]
    if not items:
        return None
    await remember(ctx, "incentive_status", question=QUESTION, kind="progress", items=items)
    steps = "; ".join(t._(CHECKLIST_LABELS[i]) for i in items)
    return [
        Reply(
            t._("Shall I record these as done: {steps}?").format(steps=steps),
            (Option("fact:yes", t._("Yes, record it")), Option("fact:no", t._("No"))),
        )
    ]


def day_said(ctx: Context, text: str) -> date | None:
    """The past day a post names ("beli tgl 18"), in the participant's calendar."""
    return _past_date(text, ctx.t.local(ctx.now()).date())


def _past_date(text: str, today: date) -> date | None:
    """A date written in the text; a day written alone ("tgl 25") is read as the latest such
    day not after today, a whole date as written (it may still be to come)."""
    day = find_day(text, today)
    if day is None:
        return None
    found: date | None = day[0]
    if not day[1]:
        return found
    for _ in range(2):  # "tgl 18" on the 20th: the 18th just gone, not next month's
        if found is None or found <= today:
            return found
        first = found.replace(day=1) - timedelta(days=1)
        try:
            found = first.replace(day=found.day)
        except ValueError:
            return None
    return None


_CLAIM = re.compile(
    r"\b(?:udah|udh|sudah|sdh|dah|uda|telah|baru)\s+(?:saya\s+|aku\s+|ku\s+)?"
    r"(?:beli|bayar|membeli|checkout|ambil)\b|\b(?:kebeli|terbeli|sudah dibeli|udah dibeli)\b"
    r"|\b(?:bought|paid)\b",
    re.IGNORECASE,
)


def claims_purchase(text: str) -> bool:
    """ "Sudah beli", "udh bayar kelas": the participant says they bought it (not in a
    negated clause, "blm pernah beli", nor a supposed one, "klo udh beli")."""
    for clause in re.split(r"[,;.!?\n]+|\b(?:tapi|tp|terus|trus|but)\b", text):
        claim = _CLAIM.search(clause)
        if claim and cues().stated_clauses(clause[: claim.end()]):  # "udh beli, kok ga muncul"
            return True
    return False


def supposes_or_denies_purchase(text: str) -> bool:
    """ "blm pernah beli", "klo udh beli ...": the purchase is named only as not done or as
    a supposition (nothing to record)."""
    return bool(_CLAIM.search(text) or cues().says_not_yet(text)) and not claims_purchase(text)


async def answer(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the confirmed wave, announcement date or purchase date on yes; nothing on no;
    returns nothing when the message is no yes/no (it is then read on its own)."""
    memory = await recall(ctx)
    if memory.question != QUESTION:
        return [menu_reply(ctx, ctx.t._("That question has expired."))]
    if msg.choice:
        yes: bool | None = msg.choice == "fact:yes"
    else:
        yes = classifier(ctx.t.locale).yes_no(msg.text)
    if yes is None:
        return []
    data = dict(memory.data)
    kind = data.get("kind")
    await remember(ctx, memory.topic)
    if not yes:
        return [menu_reply(ctx, ctx.t._("Okay, nothing changed."))]
    p, t = ctx.participant, ctx.t
    if kind == "wave":
        wave = int(data["wave"])
        deadline = ctx.program.deadline_for_wave(wave)
        scheme = ctx.program.scheme_for_wave(wave)
        if deadline is None or scheme is None:
            return [menu_reply(ctx)]
        p.wave, p.scheme, p.deadline_utc, p.announced_on = wave, scheme, deadline, None
        log.info("participant %s changed to wave %s", p.id, wave)
        return [
            menu_reply(
                ctx, t._("Done: wave {number}.").format(number=wave) + "\n" + deadline_line(ctx)
            )
        ]
    if kind == "progress":
        items = [str(i) for i in data.get("items", []) if str(i) in _SAID_PROGRESS]
        for item in items:
            mark_done(ctx, item)
        log.info("participant %s recorded progress in words (%d items)", p.id, len(items))
        steps = "; ".join(t._(CHECKLIST_LABELS[i]) for i in items)
        return [
            Reply(t._("Noted: {steps} ✅").format(steps=steps)),
            *await incentives.next_only(ctx),
        ]
    if kind == "wallet":
        p.wallet = str(data["name"])
        log.info("participant %s noted a payment partner", p.id)
        return [menu_reply(ctx, t._("Noted: {name}.").format(name=p.wallet))]
    day = date.fromisoformat(str(data["day"]))
    if kind == "announced":
        p.scheme = ctx.program.scheme_for_date(day)
        p.announced_on, p.wave = day, None
        p.deadline_utc = ctx.program.deadline_for_announcement(day, p.scheme)
        log.info("participant %s changed the announcement date", p.id)
        return [menu_reply(ctx, t._("Done.") + "\n" + deadline_line(ctx))]
    if mark_done(ctx, "purchase"):
        p.progress["purchase"] = _local_noon(ctx, day)
        p.progress.setdefault("platform", p.progress["purchase"])
        log.info("participant %s recorded a purchase (typed date)", p.id)
    return [
        menu_reply(
            ctx,
            t._(
                "Recorded: first training bought on {date}. Finish it to get the certificate."
            ).format(date=t.short_date(day)),
        )
    ]
