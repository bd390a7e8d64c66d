"""The words of bot/data/secrets.toml as compiled patterns, and the vocabulary that tells a
password from an ordinary word (every word the understanding data uses)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_WORD = re.compile(r"[a-z]+")


def alternation(words: Iterable[str], *, tail: str = r"(?![\w])") -> re.Pattern[str]:
    """One pattern matching any of the phrases as whole words (longest first); a space in a
    phrase matches any run of spaces."""
    parts = sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(p) for p in phrase.split()) for phrase in parts)
    return re.compile(rf"(?<![\w])(?:{body}){tail}", re.IGNORECASE)


@dataclass(frozen=True)
class Words:
    """The compiled word lists (see bot/data/secrets.toml for what each is for)."""

    otp: re.Pattern[str]
    not_after_kode: frozenset[str]
    pin: re.Pattern[str]
    password: re.Pattern[str]
    fillers: frozenset[str]
    copulas: frozenset[str]
    not_values: frozenset[str]
    login: re.Pattern[str]
    identity: re.Pattern[str]
    cvv: re.Pattern[str]
    account: re.Pattern[str]
    not_account: re.Pattern[str]
    reference: re.Pattern[str]
    hotline: re.Pattern[str]
    banks: frozenset[str]
    time: re.Pattern[str]
    amount_after: re.Pattern[str]
    digit_words: dict[str, int]
    digit_run: re.Pattern[str]


def _list(data: dict[str, Any], section: str, key: str) -> list[str]:
    value = data[section][key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"secrets.toml: {section}.{key} must be a list of strings")
    return value


@cache
def words() -> Words:
    """The shipped word lists, compiled once."""
    raw = resources.files("bot.data").joinpath("secrets.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    digits = {str(k).lower(): int(v) for k, v in data["digit_words"].items()}
    digit_word = "|".join(sorted(digits, key=len, reverse=True))
    banks = [w for w in _list(data, "account", "words") if " " not in w and len(w) >= 3]
    return Words(
        otp=alternation(_list(data, "otp", "words")),
        not_after_kode=frozenset(_list(data, "otp", "not_after_kode")),
        pin=alternation(_list(data, "pin", "words")),
        password=alternation(_list(data, "password", "words")),
        fillers=frozenset(_list(data, "password", "fillers")),
        copulas=frozenset(_list(data, "password", "copulas")),
        not_values=frozenset(_list(data, "password", "not_values")),
        login=alternation(_list(data, "password", "login_words")),
        identity=alternation(_list(data, "identity", "words")),
        cvv=alternation(_list(data, "cvv", "words")),
        account=alternation(_list(data, "account", "words")),
        not_account=alternation(_list(data, "account", "not_words")),
        reference=alternation(
            _list(data, "account", "not_words")
            + [f"kode {word}" for word in _list(data, "otp", "not_after_kode")]
        ),
        hotline=alternation(_list(data, "harmless", "hotline_words")),
        banks=frozenset(banks),
        time=alternation(_list(data, "harmless", "time_words")),
        amount_after=alternation(_list(data, "harmless", "amount_words"), tail=r"(?![a-z])"),
        digit_words=digits,
        digit_run=re.compile(
            rf"(?<![\w])(?:(?:{digit_word})[\s,.\-]+){{3,11}}(?:{digit_word})(?![\w])",
            re.IGNORECASE,
        ),
    )


@cache
def vocabulary() -> frozenset[str]:
    """Every word of the understanding data (both locales) and of the word lists: a password
    is a word the bot has never seen in a question."""
    found: set[str] = set()
    folder = resources.files("bot.data")
    for name in ("nlu/id.toml", "nlu/en.toml", "nlu/topics.toml", "secrets.toml"):
        found.update(_WORD.findall(folder.joinpath(name).read_text("utf-8").lower()))
    return frozenset(found)
