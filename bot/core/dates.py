"""Reading dates the way participants type them: 1/11/2021, 1-11-21, 1 November 2021, 1 nov."""

from __future__ import annotations

import re
from datetime import date

MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8, "agus": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{2}|\d{4}))?$")
_PREFIX = re.compile(r"^(?:tgl|tanggal|tanggalnya|date|on)\.?\s+")


class DateError(ValueError):
    """Looks like a date but is not a real one (31/02/2021)."""


def _year(text: str | None, today: date) -> int:
    if text is None:
        return today.year
    value = int(text)
    return value + 2000 if value < 100 else value


def _build(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"{day}/{month}/{year}") from None


def parse_date(text: str, today: date) -> date | None:
    """The date in `text`, None if it does not look like one, DateError if it is impossible."""
    cleaned = _PREFIX.sub("", text.strip().lower()).strip(" .,")
    if match := _NUMERIC.match(cleaned):
        day, month, year = match.groups()
        return _build(_year(year, today), int(month), int(day))
    if match := _ISO.match(cleaned):
        year, month, day = match.groups()
        return _build(int(year), int(month), int(day))
    if match := _WORDS.match(cleaned):
        day, word, year = match.groups()
        if word not in MONTHS:
            return None
        return _build(_year(year, today), MONTHS[word], int(day))
    return None
