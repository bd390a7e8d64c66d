"""Spotting secrets (OTP, PIN, CVV, password, NIK/KK/card, account numbers) and unusable input.

A message with a secret is never stored, logged or echoed: the handlers get a redacted copy
and a warning goes out instead.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.core.secret_finder import SEVERITY, Secret, find

__all__ = ["REDACTED", "Problem", "Scan", "Secret", "clean", "keepable", "problem", "scan"]

MAX_LENGTH = 4096


class Problem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    EMOJI_ONLY = "emoji_only"


@dataclass(frozen=True)
class Scan:
    """What a message holds: the most serious secret kind (if any), every kind found, and the
    text with secrets removed."""

    secret: Secret | None
    redacted: str
    kinds: tuple[Secret, ...] = ()


REDACTED = "▒"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Short texts found to hold no secret, remembered: the same commands and answers ("/menu",
# "ya", "22") come again and again, and the search is the dearest part of reading one
# (bench/telegram_inbound.py). A text with a secret is never remembered, and a text is kept
# only as a 128-bit digest: no participant's words stay in memory.
_NO_SECRET: OrderedDict[tuple[bytes, frozenset[str]], None] = OrderedDict()
_REMEMBERED_TEXTS = 4096
_REMEMBERED_LENGTH = 100  # characters


def scan(text: str, known: Collection[str] = ()) -> Scan:
    """Finds the secrets in `text` (`known`: the program's own numbers, digits only, which are
    never secrets) and a copy without any of them (bot/core/secret_finder.py says how)."""
    key = None
    if len(text) <= _REMEMBERED_LENGTH:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        key = (digest, known if isinstance(known, frozenset) else frozenset(known))
        if key in _NO_SECRET:
            _NO_SECRET.move_to_end(key)
            return Scan(None, text, ())
    spans = find(text, known)
    if not spans:
        if key is not None:
            _NO_SECRET[key] = None
            if len(_NO_SECRET) > _REMEMBERED_TEXTS:
                _NO_SECRET.popitem(last=False)
        return Scan(None, text, ())
    kinds = tuple(dict.fromkeys(span.kind for span in spans))
    worst = min(kinds, key=SEVERITY.index)
    parts, last = [], 0
    for span in spans:
        parts += [text[last : span.start], REDACTED]
        last = span.end
    parts.append(text[last:])
    return Scan(worst, "".join(parts), kinds)


_PHONE = re.compile(r"(?:\+62|\b62|\b0)8\d{7,11}\b")
_AMOUNTS = re.compile(r"\b(?:rp\.?\s*)?\d{1,3}(?:[.,]\d{3})+\b|\brp\.?\s*\d+\b", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"(?<!\d)\+?\d(?:[ \-.]?\d){4,}(?!\d)")


def keepable(text: str, known: Collection[str] = ()) -> str:
    """The text as it may be kept for the operator: secrets, phone and other long numbers
    (5+ digits) and e-mail addresses replaced; dates, waves and short amounts stay."""
    redacted = scan(text, known).redacted
    redacted = _EMAIL.sub(REDACTED, _PHONE.sub(REDACTED, redacted))
    return _LONG_NUMBER.sub(
        lambda m: m.group() if _AMOUNTS.fullmatch(m.group()) else REDACTED, redacted
    )


def clean(text: str) -> str:
    """Removes control characters and folds compatibility forms (full-width digits)."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _is_symbolic(char: str) -> bool:
    return unicodedata.category(char)[0] in "SZPC" or char in "\u200d\ufe0f"


def problem(text: str) -> Problem | None:
    """Why a (cleaned) message cannot be read, if it cannot."""
    if len(text) > MAX_LENGTH:
        return Problem.TOO_LONG
    if not text:
        return Problem.EMPTY
    if all(_is_symbolic(c) for c in text) and any(unicodedata.category(c) == "So" for c in text):
        return Problem.EMOJI_ONLY
    return None


# A name printed after its label ("Nama: Budi Santoso", "Nama Lengkap Budi Santoso", "Nama
# Pemilik Rekening: …"), or on the line below a label standing alone: the rest of that line.
_NAME_LABEL = (
    r"\bnama(?:\s+(?:lengkap|pemilik(?:\s+rekening)?|peserta|penerima|sesuai\s+(?:ktp|e-?ktp)"
    r"|ibu\s+kandung|rekening))?\b"
)
_NAMED = re.compile(
    rf"(?P<label>{_NAME_LABEL})[ \t]*[:=]?[ \t]*(?:(?P<value>\S[^\n]*)|\n[ \t]*(?P<next>[^\n]+))",
    re.IGNORECASE,
)


def unnamed(text: str) -> str:
    """The text without the names printed after a "Nama" label (a screenshot's profile)."""

    def hide(match: re.Match[str]) -> str:
        if match.group("value") is not None:
            return match.group("label") + " " + REDACTED
        return match.group("label") + "\n" + REDACTED

    return _NAMED.sub(hide, text)
