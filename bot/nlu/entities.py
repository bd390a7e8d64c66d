"""Values inside a message that answers can use: the date a participant asks about."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.core.dates import MONTHS

_NUMERIC = re.compile(
    r"\b(\d{1,2})\s*[/\-]\s*(\d{1,2})(?:\s*[/\-]\s*(\d{4}|\d{2}))?\b"
    r"|\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"
)
_WORDS = re.compile(r"\b(\d{1,2})\s+([a-z]{3,9})\.?(?:\s+(\d{4}))?\b")
_DAY = re.compile(r"\b(?:tgl|tanggal|tanggalnya|date)\.?\s*(\d{1,2})\b")
# Days named relative to today (informal spellings included), in days back from today.
_RELATIVE = (
    (re.compile(r"\b(?:kemarin|kemaren|kmrn|kmarin|kmrin)\s+(?:lusa|dulu)\b"), 2),
    (re.compile(r"\b(?:kemarin|kemaren|kmrn|kmarin|kmrin|yesterday)\b"), 1),
    (re.compile(r"\b(?:hari ini|hr ini|tadi|td pagi|barusan|today)\b"), 0),
)


def _year(text: str | None, today: date) -> int:
    if not text:
        return today.year
    return int(text) + (2000 if len(text) == 2 else 0)


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_only(day: int, today: date) -> date | None:
    """ "tgl 29": the next 29th on or after today."""
    first = today.replace(day=1)
    for _ in range(3):
        candidate = _make(first.year, first.month, day)
        if candidate is not None and candidate >= today:
            return candidate
        first = (first + timedelta(days=32)).replace(day=1)
    return None


def find_date(text: str, today: date, *, relative: bool = True) -> date | None:
    """The first date written in `text` ("tgl 29", "29/11", "1 des 2021", and unless
    `relative` is False "kemarin"), or None."""
    found = find_day(text, today, relative=relative)
    return found[0] if found else None


def find_day(text: str, today: date, *, relative: bool = True) -> tuple[date, bool] | None:
    """The first date written in `text`, and whether only its day was written ("tgl 29":
    the month is a guess, the next 29th) rather than a whole date or a relative day."""
    lowered = text.lower()
    found: list[tuple[int, date]] = []
    for match in _NUMERIC.finditer(lowered):
        day, month, year = (match.group(1), match.group(2), match.group(3))
        if day is None:
            day, month, year = match.group(4), match.group(5), match.group(6)
        if (when := _make(_year(year, today), int(month), int(day))) is not None:
            found.append((match.start(), when))
    for match in _WORDS.finditer(lowered):
        month_number = MONTHS.get(match.group(2))
        if month_number is not None:
            when = _make(_year(match.group(3), today), month_number, int(match.group(1)))
            if when is not None:
                found.append((match.start(), when))
    if found:
        return min(found)[1], False
    if day_match := _DAY.search(lowered):
        day = _day_only(int(day_match.group(1)), today)
        return (day, True) if day is not None else None
    for pattern, back in _RELATIVE if relative else ():
        if pattern.search(lowered):
            return today - timedelta(days=back), False
    return None
