"""Cues read from every typed message beside the topic classifier (bot/data/nlu/cues.toml):
the language it is written in, a request to switch language or to talk to a person, its mood,
and the progress a participant says they made. Word lists, read once and validated."""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.nlu.knowledge import KnowledgeError

_WORD = re.compile(r"[\w'’-]+")
_CLAUSE = re.compile(r"[,;.!?\n]+|\b(?:dan|terus|trus|tapi|tp|and|but)\b")

_FIRST_PERSON = frozenset({"aku", "saya", "sy", "gw", "gue", "ak", "aq", "i", "we", "kami"})
# How many words after the asking word may name the secret or money ("asks for my card number
# and OTP": the card is the third word after it).
_AFTER = 6
_SHOUTED = re.compile(r"[^\W\d_]+")  # words of letters, their case kept
_MONEY = re.compile(r"(?:rp)?\d+(?:[.,]\d+)*(?:rb|ribu|k|jt|juta|an)?")

Language = Literal["id", "en"]
Mood = Literal["hardship", "distress", "anger"]
PROGRESS_ITEMS = ("purchase", "finished", "certificate", "review", "linking", "paid")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Languages(_Strict):
    min_words: int = Field(ge=1)
    margin: int = Field(ge=1)
    en: frozenset[str]
    id: frozenset[str]
    to_en: tuple[str, ...]
    to_id: tuple[str, ...]


class Person(_Strict):
    asks: tuple[str, ...]
    official: tuple[str, ...]
    official_entry: str
    self_entry: str  # "is this the official CS?": the bot says what it is (and the channels)
    reported: tuple[str, ...]
    service: tuple[str, ...]
    banks: tuple[str, ...]


class Scam(_Strict):
    someone: tuple[str, ...]
    asks: tuple[str, ...]
    things: tuple[str, ...]
    offers: tuple[str, ...]  # what a third party promises for money ("bisa masukin ke gel 23")
    pays: tuple[str, ...]
    entry: str


class Site(_Strict):
    real: tuple[str, ...]
    entry: str


class MoodWords(_Strict):
    kind: Mood
    words: tuple[str, ...] = Field(min_length=1)


class Caps(_Strict):
    min_letters: int = Field(ge=1)
    share: float = Field(gt=0, le=1)
    # this many shouted words in a row count too ("NGAPAIN PAKE PELATIHAN SEGALA")
    run: int = Field(ge=2)


class Progress(_Strict):
    done: tuple[str, ...]
    not_yet: tuple[str, ...]
    conditional: tuple[str, ...]
    purchase: tuple[str, ...]
    finished: tuple[str, ...]
    certificate: tuple[str, ...]
    review: tuple[str, ...]
    linking: tuple[str, ...]
    paid: tuple[str, ...]


def words(text: str) -> list[str]:
    """The lower-cased words of a message."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


@lru_cache(maxsize=1024)
def _compiled(
    phrases: tuple[str, ...] | frozenset[str],
) -> tuple[frozenset[str], tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A phrase list split once: single words, single-word prefixes ("x*"), longer phrases."""
    split = [tuple(p.split()) for p in phrases]
    singles = frozenset(w[0] for w in split if len(w) == 1 and not w[0].endswith("*"))
    prefixes = tuple(w[0][:-1] for w in split if len(w) == 1 and w[0].endswith("*"))
    return singles, prefixes, tuple(w for w in split if len(w) != 1)


def has(said: list[str], phrases: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether one of the phrases is in the words (its words in a row; "x*": a prefix)."""
    singles, prefixes, longer = _compiled(phrases)
    if not singles.isdisjoint(said):
        return True
    if prefixes and any(w.startswith(prefixes) for w in said):
        return True
    for parts in longer:
        for start in range(len(said) - len(parts) + 1):
            window = said[start : start + len(parts)]
            if all(
                w.startswith(p[:-1]) if p.endswith("*") else w == p
                for w, p in zip(window, parts, strict=True)
            ):
                return True
    return False


class Cues(_Strict):
    """The whole cues file, with the readings handlers use."""

    language: Languages
    person: Person
    scam: Scam
    site: Site
    moods: tuple[MoodWords, ...] = Field(min_length=1)
    caps: Caps
    progress: Progress

    def language_of(self, text: str) -> Language | None:
        """The language a message is clearly written in, or None (too short, or mixed)."""
        said = words(text)
        en = sum(w in self.language.en for w in said)
        id_ = sum(w in self.language.id for w in said)
        least, margin = self.language.min_words, self.language.margin
        if en >= least and (id_ == 0 or en >= id_ + margin):
            return "en"
        if id_ >= least and (en == 0 or id_ >= en + margin):
            return "id"
        return None

    def switch_to(self, text: str) -> Language | None:
        """The language a message asks for ("english please", "pakai bahasa indonesia")."""
        said = " ".join(words(text))
        courtesy = ("please", "pls", "dong", "aja", "ya", "kak", "min", "saja")
        while said.split() and said.split()[-1] in courtesy and said not in self.language.to_en:
            said = " ".join(said.split()[:-1])
        if said in self.language.to_en:
            return "en"
        if said in self.language.to_id:
            return "id"
        return None

    def asks_if_real(self, text: str) -> bool:
        """Asks whether an address or message is real ("beneran resmi?", "asli ga?")."""
        return has(words(text), self.site.real)

    def asks_for_person(self, text: str, partners: tuple[str, ...] = ()) -> bool:
        """Asks to talk to a person (not a bank's or e-wallet's customer service)."""
        said = words(text)
        if self.about_partner_service(text, partners) or has(said, self.person.reported):
            return False
        return has(said, self.person.asks)

    def asks_official(self, text: str) -> bool:
        """Asks for the program's official customer service ("nomor CS prakerja")."""
        return has(words(text), self.person.official)

    def reports_scam(self, text: str) -> bool:
        """Someone asked the participant for a secret or money ("ada yg minta kode OTP saya",
        "dia minta 200rb"): someone named before the asking, a secret or money just after it,
        and not the participant asking ("aku minta kode otp ulang")."""
        said = words(text)
        for i, word in enumerate(said):
            if not has([word], self.scam.asks) or (i and said[i - 1] in _FIRST_PERSON):
                continue
            after = said[i + 1 : i + _AFTER]
            thing = has(after, self.scam.things) or any(_MONEY.fullmatch(w) for w in after)
            if thing and has(said[max(0, i - 8) : i], self.scam.someone):
                return True
        return self._offered_for_money(said)

    def _offered_for_money(self, said: list[str]) -> bool:
        """Someone offers what only the program decides, for money ("ada yg ngaku bisa masukin
        ke gel 23 asal bayar 150rb"): a payment named, and someone named just before the
        offer (not "sy masukin nomor kartu ... apa ada org lain pake?")."""
        scam = self.scam
        paid = has(said, scam.pays) or any(
            _MONEY.fullmatch(w) and w[-1] not in "0123456789" for w in said
        )
        if not paid:
            return False
        for i in range(len(said)):
            if has(said[i : i + 3], scam.offers) and has(said[max(0, i - 8) : i], scam.someone):
                return True
        return False

    def about_partner_service(self, text: str, partners: tuple[str, ...] = ()) -> bool:
        """Names the customer service of a bank or e-wallet ("udah aku telpon cs ovo")."""
        said = words(text)
        names = (*self.person.banks, *(p.lower() for p in partners))
        return has(said, self.person.service) and has(said, names)

    def mood_of(self, text: str) -> Mood | None:
        """Hardship, distress or anger (all capitals count as anger), or None."""
        said = words(text)
        for mood in self.moods:
            if has(said, mood.words):
                return mood.kind
        letters = [c for c in text if c.isalpha()]
        upper = sum(c.isupper() for c in letters)
        if len(letters) >= self.caps.min_letters and upper >= self.caps.share * len(letters):
            return "anger"
        run = 0
        for word in _SHOUTED.findall(text):
            run = run + 1 if word.isupper() and len(word) >= 2 else 0
            if run >= self.caps.run:
                return "anger"
        return None

    def says_not_yet(self, text: str) -> bool:
        return has(words(text), self.progress.not_yet)

    def stated_clauses(self, text: str) -> list[str]:
        """The clauses of a message that state something as a fact: not negated ("blm
        pernah beli") and not a supposition ("klo udh beli ...", "if I bought it")."""
        stated: list[str] = []
        for clause in _CLAUSE.split(text.lower()):
            said = words(clause or "")
            negated = has(said, self.progress.not_yet)
            if said and not negated and not has(said, self.progress.conditional):
                stated.append(clause)
        return stated

    def progress_in(self, text: str, *, marked: bool = False) -> list[str]:
        """The progress items a message says are done, clause by clause ("udh kasih ulasan,
        rekening udh nyambung"), never in a negated or supposed clause ("klo udh beli");
        with `marked`, only where the clause says so ("udah")."""
        found: list[str] = []
        for clause in self.stated_clauses(text):
            said = words(clause)
            if marked and not has(said, self.progress.done):
                continue
            for item in PROGRESS_ITEMS:
                if item not in found and has(said, getattr(self.progress, item)):
                    found.append(item)
        return found


@cache
def cues() -> Cues:
    """The shipped cues, read and validated once."""
    raw = resources.files("bot.data").joinpath("nlu/cues.toml").read_text("utf-8")
    try:
        return Cues.model_validate(tomllib.loads(raw))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise KnowledgeError(f"bot/data/nlu/cues.toml: {exc}") from None
