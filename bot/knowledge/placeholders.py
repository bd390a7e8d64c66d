"""Filling an entry's {placeholders} from the program file, the topic facts and what the bot
knows about the participant (their scheme, deadline and bank or e-wallet): amounts through
Babel, the deadline in the participant's zone, the partners valid for their scheme and date,
and the help line of the bank or e-wallet the post names (never BNI's for an OVO user)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.i18n import N_, Translator
from bot.core.program import Partner, Program, Scheme
from bot.knowledge.entries import PLACEHOLDER
from bot.nlu.topics import topics

# Other ways participants write a partner's name ("go pay", "link aja", "bank bni").
_ALIASES: dict[str, tuple[str, ...]] = {
    "gopay": ("go pay", "go-pay", "gojek"),
    "linkaja": ("link aja", "link-aja"),
    "dana": (
        "e-wallet dana",
        "ewallet dana",
        "aplikasi dana",
        "akun dana",
        "saldo dana",
        "dana premium",
        "upgrade dana",
        "verifikasi dana",
        "pake dana",
        "pakai dana",
        "rekening dana",
    ),
}
# "dana" is also the plain word for "funds": alone it names the e-wallet only in capitals or
# next to a wallet word (above).
_COMMON_WORD = {"dana"}


@dataclass(frozen=True)
class Who:
    """What the bot knows about the participant that an answer may use."""

    scheme: str | None = None
    deadline_utc: datetime | None = None
    announced_on: date | None = None
    wallet: str | None = None  # the partner's name they said they use ("OVO")


def partner_named(program: Program, text: str) -> Partner | None:
    """The bank or e-wallet a post names (the first one written), else None."""
    lowered = " " + re.sub(r"[^\w\s-]", " ", text.lower()) + " "
    found: list[tuple[int, Partner]] = []
    for partner in program.partners:
        names = {partner.id, partner.name.lower(), *_ALIASES.get(partner.id, ())}
        for name in names:
            if partner.id in _COMMON_WORD and name == partner.id:
                match = re.search(rf"\b{re.escape(partner.name)}\b", text)  # capitals: DANA
            else:
                match = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered)
            if match:
                found.append((match.start(), partner))
    return min(found, key=lambda pair: pair[0])[1] if found else None


def partners_on(program: Program, day: date | None) -> list[Partner]:
    """The partners that could receive the incentive on `day` (all of them when unknown)."""
    return [p for p in program.partners if day is None or p.valid_on(day)]


def _scheme(program: Program, who: Who) -> Scheme:
    return program.schemes[who.scheme or program.program.default_scheme]


def values(
    program: Program, t: Translator, who: Who, text: str = "", today: date | None = None
) -> dict[str, str]:
    """Every placeholder's text for this participant and this post."""
    facts, help_, timings = topics().facts, program.official_help, program.timings
    scheme = _scheme(program, who)
    amounts: dict[str, str] = {}
    for kind in ("training_fund", "incentive", "survey"):
        benefit = scheme.benefit(kind)
        amount, count = (benefit.amount, benefit.count) if benefit else (0, 0)
        name = "training_fund" if kind == "training_fund" else f"{kind}_amount"
        amounts[name] = t.money(amount)
        if kind != "training_fund":
            amounts[f"{kind}_count"] = t.number(count)
            amounts[f"{kind}_total"] = t.money(amount * count)
    if who.deadline_utc is not None:
        deadline = t.datetime(who.deadline_utc)
    else:
        deadline = t._(N_("{days} days after the selection announcement, at {time} WIB")).format(
            days=scheme.purchase_window_days,
            time=program.program.deadline_time.strftime("%H.%M"),
        )
    partners = partners_on(program, who.announced_on or today)
    named = partner_named(program, text) if text else None
    wallet = named or next((p for p in program.partners if p.name == who.wallet), None)
    shown = [wallet] if wallet is not None else partners
    return {
        "website": program.program.website,
        "help_centre": help_.help_centre,
        "complaint_form": facts.complaint_form,
        "email": help_.email,
        "contact_centre": help_.contact_centre,
        "instagram": help_.instagram,
        "twitter": help_.twitter,
        "survey_email": help_.survey_email,
        "survey_email_subject": help_.survey_email_subject,
        "dukcapil_phone": facts.dukcapil_phone,
        "benefit_total": t.money(scheme.total),
        **amounts,
        "purchase_window_days": t.number(scheme.purchase_window_days),
        "deadline": deadline,
        "partners": ", ".join(p.name for p in partners),
        "partner_cs": ", ".join(f"{p.name} {p.customer_service}" for p in shown),
        "platforms": ", ".join(p.name for p in program.platforms),
        "schedule_sync_hours": str(timings.schedule_sync_hours),
        "transfer_days_min": str(timings.transfer_working_days_min),
        "transfer_days_max": str(timings.transfer_working_days_max),
        "certificate_days": str(timings.certificate_working_days),
        "survey_payment_days": str(timings.survey_payment_days),
        "otp_max_wrong": str(timings.otp_max_wrong),
        "otp_wait_hours": str(timings.otp_wait_hours),
        "leftover_fund_days": str(facts.leftover_fund_days),
        "redeem_window_hours": str(facts.redeem_window_hours),
        "min_age": str(facts.min_age),
        "max_age": str(facts.max_age),
        "transfer_missing_working_days": str(facts.transfer_missing_working_days),
    }


def fill(text: str, found: Mapping[str, str]) -> str:
    """`text` with every {name} replaced (the loader has checked every name exists)."""
    return PLACEHOLDER.sub(lambda m: found.get(m.group(1), m.group(0)), text.strip())


def longest_values(program: Program, t: Translator) -> dict[str, str]:
    """Each placeholder's longest text over every scheme (with one partner's help line, as
    when the post names one): used to check answer lengths at start."""
    longest: dict[str, str] = {}
    for key in program.schemes:
        for wallet in (p.name for p in program.partners):
            for name, value in values(program, t, Who(scheme=key, wallet=wallet)).items():
                if len(value) > len(longest.get(name, "")):
                    longest[name] = value
    return longest
