"""Is a forwarded message, a link or a phone number the program's own, or a scam?

Checked against the program file (official domains with their subdomains, accounts, help
lines, the partners' and platforms' own sites) and the signs in bot/data/scams.toml. Nothing
is ever fetched: only the text is read. `check` returns None for a message with nothing to
check (no link, no phone number, not forwarded) or nothing to say about it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from bot.core.program import Program
from bot.core.secret_words import alternation


class Sign(StrEnum):
    """What is wrong with a message (most telling first)."""

    LOOKALIKE = "lookalike"  # a site or page using Prakerja's name that is not prakerja.go.id
    SHORTENER = "shortener"  # a shortened link hides where it leads
    ASKS_SECRET = "asks_secret"  # an OTP, PIN, password or personal data
    ASKS_MONEY = "asks_money"  # a fee, "pencairan dipercepat", "transfer dulu"
    JOKI = "joki"  # paid registration, a sure pass
    APP = "app"  # an app (Prakerja has none), an .apk outside the stores
    FAKE_NUMBER = "fake_number"  # a number that claims to speak for Prakerja
    CHAIN = "chain"  # "share this with 5 groups"


class Official(StrEnum):
    """What kind of official address a message names."""

    SITE = "site"  # prakerja.go.id or a subdomain
    ACCOUNT = "account"  # a social media account of the program
    NUMBER = "number"  # the program's contact centre
    PARTNER = "partner"  # a payment partner's or platform's own site or help line
    GOVERNMENT = "government"  # another government site the program's notices name


@dataclass(frozen=True)
class Verdict:
    """What the check found: the signs of a scam (flagged when any), the official addresses
    it names (address, kind, whose), and whether it was forwarded."""

    signs: tuple[Sign, ...]
    official: tuple[tuple[str, Official, str], ...]
    forwarded: bool
    suspicious: tuple[str, ...] = ()  # the look-alike or shortened addresses (to name them)

    @property
    def flagged(self) -> bool:
        return bool(self.signs)


@dataclass(frozen=True)
class _Data:
    shorteners: frozenset[str]
    page_hosts: frozenset[str]
    brand: tuple[str, ...]
    signs: dict[Sign, re.Pattern[str]]
    claims: re.Pattern[str]
    own_number: re.Pattern[str]
    link: re.Pattern[str]
    caution: re.Pattern[str]


@cache
def _data() -> _Data:
    raw: dict[str, Any] = tomllib.loads(
        resources.files("bot.data").joinpath("scams.toml").read_text("utf-8")
    )
    tlds = "|".join(sorted({re.escape(t) for t in raw["tlds"]}, key=len, reverse=True))
    link = re.compile(
        r"(?:https?://|www\.)[^\s<>\"']+"
        rf"|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{tlds})\b(?:/[^\s<>\"']*)?",
        re.IGNORECASE,
    )
    return _Data(
        shorteners=frozenset(raw["shorteners"]),
        page_hosts=frozenset(raw["page_hosts"]),
        brand=tuple(raw["brand"]),
        signs={Sign(key): alternation(value) for key, value in raw["signs"].items()},
        claims=alternation(raw["numbers"]["claims"]),
        own_number=alternation(raw["numbers"]["own_number"]),
        link=link,
        caution=alternation(raw["caution"]),
    )


_OBFUSCATED = re.compile(r"\s*(?:\[\.\]|\(\.\)|\[dot\]|\(dot\)|\s+dot\s+)\s*", re.IGNORECASE)
_PHONE = re.compile(
    r"(?:\+62|(?<!\d)62|(?<!\d)0)[\s\-.]?8\d{1,3}[\s\-.]?\d{3,4}[\s\-.]?\d{3,5}(?!\d)"
    r"|(?<!\d)0800[\s\-.]?\d{3}[\s\-.]?\d{4}(?!\d)"
    r"|\(?(?<!\d)0[2-7]\d{1,2}\)?[\s\-.]?\d{6,8}(?!\d)"
    r"|(?<![\d.])1500\d{3}(?![\d.])"
)
_LEET = str.maketrans("0134578", "oieastb")
_DOTTED = re.compile(r"(?<=\w)\.(?=\w)")


def _host(link: str) -> tuple[str, str]:
    """(host, path) of a link, lower-case, without scheme, www. and port."""
    bare = re.sub(r"^(?:https?://)?", "", link.lower()).rstrip(".,;:!?)")
    host, _, path = bare.partition("/")
    host = host.split("@")[-1].split(":")[0].removeprefix("www.")
    return host, path


def _within(host: str, domains: tuple[str, ...] | frozenset[str]) -> str | None:
    """The domain `host` is or is a subdomain of, if any."""
    return next((d for d in domains if host == d or host.endswith("." + d)), None)


def _uses_brand(text: str, brand: tuple[str, ...]) -> bool:
    """The program's name, also misspelt or with digits for letters ("prakerj4", "prakreja")."""
    folded = text.lower().translate(_LEET).replace("-", "").replace("_", "")
    if any(b.replace("-", "") in folded for b in brand):
        return True
    return any(
        SequenceMatcher(None, part, "prakerja").ratio() >= 0.85
        for part in re.split(r"[^a-z]+", folded)
        if 6 <= len(part) <= 12
    )


def _official_parties(program: Program) -> list[tuple[tuple[str, ...], Official, str]]:
    channels = program.official_channels
    parties: list[tuple[tuple[str, ...], Official, str]] = [
        (channels.domains, Official.SITE, program.program.name),
        (channels.other_domains, Official.GOVERNMENT, ""),
    ]
    parties += [(p.domains, Official.PARTNER, p.name) for p in program.partners]
    parties += [(p.domains, Official.PARTNER, p.name) for p in program.platforms]
    return parties


def _links(
    text: str, program: Program, data: _Data
) -> tuple[list[Sign], list[tuple[str, Official, str]], list[str]]:
    signs: list[Sign] = []
    official: list[tuple[str, Official, str]] = []
    suspicious: list[str] = []
    parties = _official_parties(program)
    stores = program.official_channels.app_stores
    for match in data.link.finditer(text):
        host, path = _host(match.group())
        if "@" in match.group() and "/" not in match.group():
            continue  # an e-mail address
        party = next(((d, k, who) for ds, k, who in parties if (d := _within(host, ds))), None)
        if party is not None:
            official.append((host, party[1], party[2]))
        elif _within(host, data.shorteners):
            signs.append(Sign.SHORTENER)
            suspicious.append(host)
        elif _within(host, stores):
            if _uses_brand(path, data.brand):
                signs.append(Sign.APP)  # Prakerja has no app: one using its name is fake
        elif _uses_brand(host, data.brand) or (
            _within(host, data.page_hosts) and _uses_brand(path, data.brand)
        ):
            signs.append(Sign.LOOKALIKE)
            suspicious.append(host)
        elif path.endswith(".apk") or host.endswith(".apk"):
            signs.append(Sign.APP)
    return signs, official, suspicious


def _numbers(
    text: str, program: Program, data: _Data
) -> tuple[list[Sign], list[tuple[str, Official, str]]]:
    signs: list[Sign] = []
    official: list[tuple[str, Official, str]] = []
    helplines = {
        re.sub(r"\D", "", n): n
        for n in (program.official_help.contact_centre, *program.official_channels.phones)
    }
    partners = {re.sub(r"\D", "", p.customer_service): p.name for p in program.partners}
    claims = (
        _uses_brand(text, data.brand)
        and data.claims.search(text) is not None
        and data.own_number.search(text) is None
    )
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits in helplines:
            official.append((helplines[digits], Official.NUMBER, program.program.name))
        elif digits in partners:
            official.append((match.group(), Official.PARTNER, partners[digits]))
        elif claims:
            signs.append(Sign.FAKE_NUMBER)
    for number, name in partners.items():  # 1500046: too short for a phone number
        if len(number) <= 8 and re.search(rf"(?<!\d){number}(?!\d)", re.sub(r"[\s\-]", "", text)):
            official.append((number, Official.PARTNER, name))
    return signs, official


def _accounts(text: str, program: Program) -> list[tuple[str, Official, str]]:
    found = []
    for account in program.official_channels.accounts:
        if account.startswith("@") and re.search(
            rf"(?<![\w.]){re.escape(account)}(?![\w])", text, re.IGNORECASE
        ):
            found.append((account, Official.ACCOUNT, program.program.name))
    return found


def has_something_to_check(text: str, forwarded: bool) -> bool:
    """A link, a phone number or a forward: what the check looks at."""
    text = _OBFUSCATED.sub(".", text)
    return (
        forwarded
        or bool(_data().link.search(text))
        or bool(_PHONE.search(text))
        or bool(re.search(r"\.apk\b|(?<![\w.])@[a-z][\w.]{2,}", text, re.IGNORECASE))
    )


def _shows(pattern: re.Pattern[str], text: str, caution: re.Pattern[str]) -> bool:
    """The sign is shown, not warned against ("jangan pernah berikan OTP")."""
    return any(
        not caution.search(text[max(0, match.start() - 25) : match.start()])
        for match in pattern.finditer(text)
    )


def check(text: str, program: Program, *, forwarded: bool = False) -> Verdict | None:
    """The verdict on a message with a link, a phone number or forwarded; None when there is
    nothing to check or nothing to say."""
    data = _data()
    text = _OBFUSCATED.sub(".", text)
    if not has_something_to_check(text, forwarded):
        return None
    signs, official, suspicious = _links(text, program, data)
    number_signs, numbers = _numbers(text, program, data)
    signs += number_signs
    official += numbers + _accounts(text, program)
    lowered = _DOTTED.sub(".", text.lower())
    for sign, pattern in data.signs.items():
        if _shows(pattern, lowered, data.caution):
            signs.append(sign)
    if Sign.APP not in signs and re.search(r"\.apk\b", lowered):
        signs.append(Sign.APP)
    unique = tuple(sorted(set(signs), key=list(Sign).index))
    if not unique and not official:
        return None
    return Verdict(
        unique, tuple(dict.fromkeys(official)), forwarded, tuple(dict.fromkeys(suspicious))
    )
