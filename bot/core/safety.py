"""Spotting secrets (OTP, PIN, password, NIK/KK/card, account numbers) and unusable input.

A message with a secret is never stored, logged or echoed: the handlers get a redacted copy
and a warning goes out instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MAX_LENGTH = 4096


class Secret(StrEnum):
    OTP = "otp"
    IDENTITY = "identity"  # 16 digits: NIK, KK or the Kartu Prakerja number
    PASSWORD = "password"  # PIN or password
    ACCOUNT = "account"  # bank account number


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

# Things that contain digits but are not secrets, removed before looking for codes.
_DATES = re.compile(
    r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*\d{2,4})?\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}\s+[a-zA-Z]{3,9}\.?\s+\d{4}\b"
    r"|\b(?:tahun|thn|th|year|gelombang|gel|wave)\.?\s*\d{1,4}\b"
    r"|\b[a-zA-Z]{3,9}\s+(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_AMOUNTS = re.compile(r"\b(?:rp\.?\s*)?\d{1,3}(?:[.,]\d{3})+\b|\brp\.?\s*\d+\b", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+62|\b62|\b0)8\d{7,11}\b")

_IDENTITY = re.compile(r"(?<!\d)(?:\d[ \-.]?){15}\d(?!\d)")
_PASSWORD = re.compile(
    r"\b(?:pin|password|passwd|pass|pwd|pw|sandi|kata\s+sandi|kata\s+kunci)(?:nya|ku)?"
    r"(?:\s+(?![^\s]*\d)[^\s:=]{2,12}){0,3}?\s*[:=]?\s*"  # "pin dana saya 123456"
    r"(?P<value>(?=\S*\d)\S{3,})",
    re.IGNORECASE,
)
_ACCOUNT = re.compile(
    r"\b(?:no\.?\s*)?(?:rek|rekening|norek|account|acc)\b\.?(?:\s+[a-z]{2,12})?"
    r"\s*(?:saya|aku|ku|nya|no\.?)?\s*[:=]?\s*(?:\d[ \-.]?){8,17}\d",
    re.IGNORECASE,
)
_OTP_NEAR = re.compile(
    r"\b(?:otp|kode|code|token)(?:nya|ku)?\b\D{0,15}\d(?:[ \-]?\d){2,7}\b"
    r"|\b\d{3,8}\b\s*(?:itu\s+)?(?:otp|kode)\b",
    re.IGNORECASE,
)
# A lone code; a comma or full stop right after it ends the sentence ("udah kukasih 772910,")
# unless a digit follows (an amount or a decimal).
_CODE = re.compile(r"(?<!\d)(?<!\d[.,/])\d{4,8}(?!\d|[.,/]\d)")
# A code typed in groups: "483 921", "483-921", "48 39 27", "4 8 3 9 2 7" (4 to 8 digits).
_SPACED_CODE = re.compile(
    r"(?<![\d.,/])(?:\d{3}[ \-]\d{3}|\d{2}[ \-]\d{2}[ \-]\d{2}|(?:\d[ \-]){3,7}\d)"
    r"(?!\d|[.,/]\d|[ \-]\d)"
)
# A card's security code: "cvv 987", "CVC: 1234", "kode keamanan 987".
_CVV = re.compile(
    r"\b(?:cvv2?|cvc2?|cid|kode\s+(?:keamanan|cvv))(?:nya|ku)?\b\s*(?:saya|aku|adalah|is)?"
    r"\s*[:=]?\s*(?P<value>\d{3,4})\b",
    re.IGNORECASE,
)
_PIN_WORD = re.compile(r"\bpin(?:nya|ku)?\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d(?:[ \-.]?\d)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _scrub(text: str, pattern: re.Pattern[str]) -> str:
    """Replaces the secret inside each match, keeping the words around it."""

    def hide(match: re.Match[str]) -> str:
        if "value" in pattern.groupindex:
            start, end = match.span("value")
            offset = match.start()
            whole = match.group()
            return whole[: start - offset] + REDACTED + whole[end - offset :]
        return _DIGITS.sub(REDACTED, match.group())

    return pattern.sub(hide, text)


def scan(text: str) -> Scan:
    """Finds the secrets in `text` (the most serious first) and a copy without any of them."""
    kinds: list[Secret] = []
    found: Secret | None = None
    redacted = text
    if _IDENTITY.search(text):  # before dates are set aside: 32.01.12.3456.7890.12 is a NIK
        kinds.append(Secret.IDENTITY)
        redacted = _scrub(text, _IDENTITY)
    # grouped codes before dates are set aside: "4-8-3-9-2-7" is no date
    for code in _SPACED_CODE.findall(_PHONE.sub(" ", _AMOUNTS.sub(" ", redacted))):
        kinds.append(Secret.OTP)
        redacted = redacted.replace(code, REDACTED)
    harmless = _PHONE.sub(" ", _AMOUNTS.sub(" ", _DATES.sub(" ", redacted)))
    for kind, pattern in (
        (Secret.PASSWORD, _CVV),
        (Secret.PASSWORD, _PASSWORD),
        (Secret.ACCOUNT, _ACCOUNT),
        (Secret.OTP, _OTP_NEAR),
    ):
        if pattern.search(harmless):
            kinds.append(kind)
            redacted = _scrub(redacted, pattern)
            harmless = _scrub(harmless, pattern)
    if _CODE.search(harmless):
        kinds.append(Secret.PASSWORD if _PIN_WORD.search(harmless) else Secret.OTP)
        for code in _CODE.findall(harmless):
            redacted = re.sub(rf"(?<!\d){code}(?!\d)", REDACTED, redacted)
    unique = tuple(dict.fromkeys(kinds))
    found = unique[0] if unique else None
    return Scan(found, redacted, unique)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"(?<!\d)\+?\d(?:[ \-.]?\d){4,}(?!\d)")


def keepable(text: str) -> str:
    """The text as it may be kept for the operator: secrets, phone and other long numbers
    (5+ digits) and e-mail addresses replaced; dates, waves and short amounts stay."""
    redacted = scan(text).redacted
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
