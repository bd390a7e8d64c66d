"""The text read in a screenshot, made safe before anything else sees it.

OCR mistakes digits for letters ("52O6 69O7"), so digit-like runs are read as digits first;
then every number printed beside a sensitive label (NIK, KK, card, account, phone) goes, the
names after "Nama" go, and bot/core/safety.py's `keepable` removes whatever secret, phone or
long number is left. Dates, amounts and waves stay: they are what the answer is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.safety import REDACTED, keepable, unnamed

# A run that looks like a number to a reader: digits and the letters OCR confuses with them.
_DIGITISH = re.compile(r"(?<![A-Za-z])[0-9OoIl|SB](?:[0-9OoIl|SB .\-]*[0-9OoIl|SB])?(?![A-Za-z])")
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"})
_LABELS = re.compile(
    r"\b(?:nik|no\.?\s*kk|nomor\s+kk|kartu\s+keluarga|nomor\s+kartu|no\.?\s*kartu|rekening"
    r"|no\.?\s*rek|nomor\s+(?:hp|handphone|telepon|ponsel)|no\.?\s*(?:hp|telp)|telepon|e-?mail)\b",
    re.IGNORECASE,
)
_MONTH = (
    r"jan(?:uari)?|feb(?:ruari)?|mar(?:et)?|apr(?:il)?|mei|jun[il]?|jul[il]?|agu(?:stus)?|agt"
    r"|sep(?:tember)?|okt(?:ober)?|nov(?:ember)?|des(?:ember)?"
)
# What stays as read: dates ("15 Juni 2021", "15Juni 2021", "15/06/2021") and Rupiah amounts.
_KEPT = re.compile(
    rf"(?<!\d)\d{{1,2}}\s?(?:{_MONTH})\.?\s?(?:19|20)\d{{2}}(?!\d)"
    r"|(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}(?!\d)"
    r"|\brp\.?\s?\d{1,3}(?:[.,]\d{3})*(?![\d.,]\d)",
    re.IGNORECASE,
)
_CARD_LABEL = re.compile(r"\b(?:nomor|no\.?)\s+kartu\b|\bkartu\s+prakerja\b", re.IGNORECASE)
_CARD = re.compile(r"(?<!\d)(?:\d[ \-.]?){14,16}\d(?!\d)")
_NUMBER = re.compile(r"(?<![\d.,])\d(?:[ \-.]?\d){4,}(?!\d)")
_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+")
_RP = re.compile(r"rp\.?\s?$", re.IGNORECASE)


@dataclass(frozen=True)
class Redacted:
    """The safe text, and whether a Kartu Prakerja number was visible (never the number)."""

    text: str
    card_number: bool


def _digits(match: re.Match[str]) -> str:
    run = match.group()
    digits = sum(c.isdigit() for c in run)
    letters = sum(c.isalpha() or c == "|" for c in run)
    if digits >= 4 and letters <= digits:
        return run.translate(_AS_DIGIT)
    return run


def _numbers_out(line: str) -> str:
    """The line without its numbers of five digits or more (amounts in Rupiah stay)."""

    def hide(match: re.Match[str]) -> str:
        amount = _AMOUNT.fullmatch(match.group()) and _RP.search(line[: match.start()])
        return match.group() if amount else REDACTED

    return _NUMBER.sub(hide, line)


def redact(raw: str) -> Redacted:
    """What may leave the reader: see the module docstring."""
    lines = [_DIGITISH.sub(_digits, line) for line in raw.splitlines()]
    card = False
    for i, line in enumerate(lines):
        if _CARD_LABEL.search(line):
            near = " ".join(lines[i : i + 3])
            card = card or bool(_CARD.search(near))
        if _LABELS.search(line):
            for j in (i, i + 1):
                if j < len(lines):
                    lines[j] = _numbers_out(lines[j])
    text = unnamed("\n".join(lines))
    # Dates and amounts are set aside while the rest is scrubbed (a year is no PIN).
    kept: list[str] = []

    def aside(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"⟦{_letters(len(kept) - 1)}⟧"

    scrubbed = keepable(_KEPT.sub(aside, text))
    restored = re.sub(r"⟦([a-z]+)⟧", lambda m: kept[_index(m.group(1))], scrubbed)
    return Redacted(restored, card)


def _letters(number: int) -> str:
    """0 → "a", 25 → "z", 26 → "ba": a placeholder without digits."""
    out = ""
    while True:
        out = chr(ord("a") + number % 26) + out
        number //= 26
        if number == 0:
            return out


def _index(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("a")
    return number
