"""The not-understood page's data: each kept message with the knowledge base's three likeliest
entries for it (by the model in use now), grouped by the likeliest one so that similar
messages sit together, and what an operator attached it to. A message the bot would find
nothing near for (as handlers/freetext.py decides: knowledge.NEAR) goes to its own group, its
guesses shown but none pre-selected.

A message is searched in its own language's knowledge base (and attached there), but every
entry is named in the operator's console language, each entry once: entry ids are the same in
every locale, so an Indonesian and an English message asking the same thing share one group
and one title."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot import knowledge
from bot.core.program import Program
from bot.knowledge.entries import LOCALES
from bot.nlu.cues import cues
from bot.storage.base import UnknownMessage
from bot.storage.learning import TaughtExample

GUESSES = 3
_CACHE = 5_000  # (model, text) -> guesses: the page is read far more often than models change


@dataclass(frozen=True)
class Guess:
    """An entry the model thinks a message asks about."""

    entry_id: str
    title: str
    question: str
    confidence: float


@dataclass(frozen=True)
class Row:
    """A kept message, its locale, the model's guesses and the example it became (if any)."""

    message: UnknownMessage
    locale: str
    guesses: tuple[Guess, ...]
    taught: TaughtExample | None
    near: bool = True  # the guesses are worth pre-selecting (else nothing near)


@dataclass
class Group:
    """Messages whose likeliest entry is the same (None: nothing near)."""

    entry_id: str | None
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def open(self) -> int:
        """The messages of the group not attached to an entry yet."""
        return sum(1 for r in self.rows if r.taught is None)


_guessed: OrderedDict[tuple[int, str, str], tuple[tuple[Guess, ...], bool]] = OrderedDict()


def locale_of(text: str, fallback: str = "id") -> str:
    """The language the message is written in (its entries are that locale's)."""
    found = cues().language_of(text)
    return found if found in LOCALES else fallback


def guess(program: Program, locale: str, text: str) -> tuple[tuple[Guess, ...], bool]:
    """The three likeliest entries for `text` by the model in use (cached per model), and
    whether they are near enough for the bot to offer them."""
    model = knowledge.retriever(program, locale)
    if model is None:
        return (), False
    key = (id(model), locale, text)
    if key in _guessed:
        _guessed.move_to_end(key)
        return _guessed[key]
    kb = knowledge.bases(program)[locale]
    found: list[Guess] = []
    searched = model.search(text)
    for entry_id, confidence in searched.ranked:
        entry = kb.get(entry_id)
        if entry is not None and all(g.entry_id != entry.id for g in found):
            found.append(Guess(entry.id, entry.title, entry.question, confidence))
        if len(found) == GUESSES:
            break
    _guessed[key] = (tuple(found), bool(found) and searched.near >= knowledge.NEAR)
    while len(_guessed) > _CACHE:
        _guessed.popitem(last=False)
    return _guessed[key]


def titles(program: Program, shown_in: str) -> dict[str, str]:
    """Every entry's title in `shown_in` (the console's language), by id; an entry only
    another locale has keeps that locale's title."""
    bases = knowledge.bases(program)
    order = [shown_in, *(locale for locale in bases if locale != shown_in)]
    found: dict[str, str] = {}
    for locale in order:
        for entry in bases[locale].entries if locale in bases else ():
            found.setdefault(entry.id, entry.title)
    return found


def groups(
    program: Program,
    messages: Sequence[UnknownMessage],
    taught: dict[int, TaughtExample],
    locales: dict[int, str] | None = None,
    shown_in: str = "id",
) -> list[Group]:
    """The messages grouped by their likeliest entry, the biggest group of messages still to
    attach first (a group's messages stay newest first); nothing near comes last. Entries are
    named in `shown_in`, whatever the message's language."""
    found: dict[str | None, Group] = {}
    named = titles(program, shown_in)
    for message in messages:
        locale = locale_of(message.text, (locales or {}).get(message.participant_id, "id"))
        guessed, near = guess(program, locale, message.text)
        guesses = tuple(replace(g, title=named.get(g.entry_id, g.title)) for g in guessed)
        best = guesses[0] if guesses and near else None
        key = best.entry_id if best is not None else None
        group = found.setdefault(key, Group(key, best.title if best is not None else ""))
        group.rows.append(Row(message, locale, guesses, taught.get(message.id), near))
    return sorted(
        found.values(),
        key=lambda g: (g.entry_id is None, -g.open, -len(g.rows), g.title),
    )


def entries(program: Program, shown_in: str) -> list[tuple[str, str]]:
    """The page's "another entry" list: every entry once, (id, title in `shown_in`)."""
    return list(titles(program, shown_in).items())
