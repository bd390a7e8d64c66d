"""What a dashboard screenshot shows, from the (redacted) text read in it (bot/vision).

The text comes line by line, as the dashboard lays it out: a payment row's label
("Insentif Pelatihan 1"), usually its status on the same line, its amount and date below. Each
row gets the statuses found after its label (bot/nlu/topics.py `find_statuses`, the labels in
bot/data/nlu/topics.toml; inside the payment list every status is an incentive's, so the
common word "Gagal" counts there). When the reader put the statuses in a column of their own,
the rows still waiting for one take them in order. Besides the rows: the selection result and
an error banner ("Insentif Anda gagal dicairkan"), the training balance, a certificate, and
whether a card number was visible (the reader says so; the number itself never gets here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz.distance import Levenshtein

from bot.nlu.topics import StatusEntry, find_statuses

_ROW = re.compile(
    r"\b[il1|]nsent[il1|]f\s+(?P<kind>pelatihan|survei|survey|biaya\s+mencari\s+kerja)?\s*"
    r"(?:ke\s*-?\s*)?(?P<number>\d)\b"
)
_SURVEY = ("survei", "survey")
_DATE = re.compile(r"(?<!\d)(?P<day>\d{1,2})\s*(?P<month>[a-z]{3,9})\s*(?P<year>20\d{2})\b")
_MONTHS = [
    *("januari", "februari", "maret", "april", "mei", "juni"),
    *("juli", "agustus", "september", "oktober", "november", "desember"),
]
_BALANCE = re.compile(r"\bsaldo(?:\s+pelatihan)?\b[^\n\d]{0,20}\n?\s*rp\.?\s?(?P<amount>\d[\d.]*)")
_CERTIFICATE = re.compile(
    r"\bsertifikat\b.{0,60}\b(?:terbit|lihat|unduh|download)\b|\b(?:lihat|unduh)\s+sertifikat\b",
    re.S,
)
_SELECTION = ("not_selected", "no_wave", "selection_processing")
_BANNER_WORDS = ("anda", "kamu", "dicairkan")


@dataclass
class ScreenRow:
    """One payment row: which incentive, its status (the dashboard's own label) and date."""

    survey: bool
    number: int
    entry: StatusEntry | None = None
    label: str = ""
    day: date | None = None


@dataclass
class Screen:
    """Everything understood in one screenshot."""

    rows: list[ScreenRow] = field(default_factory=list)
    others: list[tuple[StatusEntry, str]] = field(default_factory=list)  # selection, banners
    banner: bool = False
    balance: int | None = None  # Rupiah
    certificate: bool = False

    @property
    def statuses(self) -> list[ScreenRow]:
        """The rows whose status was read."""
        return [row for row in self.rows if row.entry is not None]

    @property
    def understood(self) -> bool:
        return bool(self.statuses or self.others or self.balance is not None or self.certificate)


def canonical(entry: StatusEntry, label: str) -> str:
    """The entry's own label closest to what was read ("dalam pengecekam" → "dalam
    pengecekan"), so a misread letter is never repeated back."""
    return max(entry.labels, key=lambda own: Levenshtein.normalized_similarity(own, label))


def _day(line: str) -> date | None:
    match = _DATE.search(line)
    if match is None:
        return None
    word = match.group("month")
    month = max(_MONTHS, key=lambda m: Levenshtein.normalized_similarity(m, word))
    if Levenshtein.normalized_similarity(month, word) < 0.7:
        return None
    try:
        return date(int(match.group("year")), _MONTHS.index(month) + 1, int(match.group("day")))
    except ValueError:
        return None


Lone = tuple[StatusEntry, str, ScreenRow | None]


def _aside(screen: Screen, entry: StatusEntry, label: str) -> bool:
    """A selection result or a banner: kept beside the rows (True), never in one."""
    if entry.meaning in _SELECTION or any(w in label.split() for w in _BANNER_WORDS):
        screen.banner = screen.banner or entry.meaning not in _SELECTION
        screen.others.append((entry, canonical(entry, label)))
        return True
    return False


def _assign(screen: Screen, lone: list[Lone]) -> None:
    """Statuses read on a line of their own. As many as the rows still without one (two or
    more): a column of statuses, taken in order. Otherwise each goes to the row above it
    while that one has none, else to the first row still waiting, else beside the rows."""
    waiting = [row for row in screen.rows if row.entry is None]
    if len(waiting) > 1 and len(lone) == len(waiting):
        for row, (entry, label, _) in zip(waiting, lone, strict=True):
            row.entry, row.label = entry, canonical(entry, label)
        return
    for entry, label, above in lone:
        target = above if above is not None and above.entry is None else None
        target = target or next((r for r in screen.rows if r.entry is None), None)
        if target is None:
            screen.others.append((entry, canonical(entry, label)))
        else:
            target.entry, target.label = entry, canonical(entry, label)


def read_screen(text: str) -> Screen:
    """The rows, statuses, balance and certificate in a screenshot's text."""
    screen = Screen()
    lowered = text.lower()
    current: ScreenRow | None = None
    lone: list[Lone] = []
    for line in (part.strip() for part in lowered.splitlines()):
        if not line:
            continue
        rest, row = line, None
        if (match := _ROW.search(line)) is not None:
            kind = match.group("kind") or ""
            current = row = ScreenRow(kind in _SURVEY, int(match.group("number")))
            screen.rows.append(current)
            rest = line[match.end() :]
        context = "insentif " if screen.rows else ""  # inside the payment list
        for _, entry, label in find_statuses(context + rest):
            if _aside(screen, entry, label):
                continue
            if row is not None and row.entry is None:  # on the row's own line
                row.entry, row.label = entry, canonical(entry, label)
            else:
                lone.append((entry, label, current))
        day = _day(rest)
        if day is not None and current is not None and current.day is None:
            current.day = day
    _assign(screen, lone)
    if (balance := _BALANCE.search(lowered)) is not None:
        screen.balance = int(balance.group("amount").replace(".", "") or 0)
    screen.certificate = bool(_CERTIFICATE.search(lowered))
    return screen
