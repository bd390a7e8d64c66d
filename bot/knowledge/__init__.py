"""The knowledge base: entries as data (bot/data/kb/<locale>/*.toml), validated at start
against the program file, their placeholders filled for the participant, and the entry a post
asks about found by a model trained on the entries' examples at start.

May import: `bot.nlu`, `bot.core`.
Imported by: `bot.app`, `handlers`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from importlib.abc import Traversable

from bot.core.i18n import Translator
from bot.core.program import Program
from bot.knowledge.entries import (
    LOCALES,
    Entry,
    KnowledgeBase,
    KnowledgeBaseError,
    read_bases,
    shipped_root,
)
from bot.knowledge.placeholders import Who, fill, longest_values, partner_named, values
from bot.knowledge.retrieval import Found
from bot.knowledge.search import ACTIONS, CONFIDENT, NEAR, Retriever

__all__ = [
    "ACTIONS",
    "CONFIDENT",
    "NEAR",
    "Entry",
    "Found",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Retriever",
    "Who",
    "bases",
    "fill",
    "install",
    "load",
    "partner_named",
    "prepare",
    "retriever",
    "use",
    "values",
]

_BASES: dict[int, tuple[Program, dict[str, KnowledgeBase]]] = {}
_RETRIEVERS: dict[tuple[str, str], Retriever] = {}
_ROOT: list[Traversable] = []  # another folder of entries than the shipped one (tests)


def load(program: Program, root: Traversable | None = None) -> dict[str, KnowledgeBase]:
    """Every locale's entries under `root` (the shipped bot/data/kb by default), validated;
    raises KnowledgeBaseError listing every problem."""
    longest = longest_values(program, Translator("id", program.program.deadline_timezone))
    return read_bases(root or _root(), program, longest)


def _root() -> Traversable:
    return _ROOT[0] if _ROOT else shipped_root()


def use(root: Traversable | None) -> None:
    """Reads the entries from `root` from now on (None: the shipped ones again)."""
    _ROOT[:] = [root] if root is not None else []
    _BASES.clear()


def bases(program: Program) -> dict[str, KnowledgeBase]:
    """The knowledge base, read and validated once per program."""
    key = id(program)
    if key not in _BASES:
        _BASES[key] = (program, load(program))
    return _BASES[key][1]


def retriever(program: Program, locale: str) -> Retriever | None:
    """The model for `locale`'s entries, trained once per process (per folder of entries)."""
    locale = locale if locale in ("id", "en") else "id"
    key = (str(_root()), locale)
    if not bases(program)[locale].entries:
        return None  # no entries (yet): nothing is found
    if key not in _RETRIEVERS:
        _RETRIEVERS[key] = Retriever(bases(program)[locale])
    return _RETRIEVERS[key]


def prepare(program: Program) -> None:
    """Validates the entries and readies every locale's model at start, the locales side by
    side (a model not trained before is trained by a child process: seconds, once)."""
    bases(program)
    with ThreadPoolExecutor(max_workers=len(LOCALES)) as pool:
        for done in [pool.submit(retriever, program, locale) for locale in LOCALES]:
            done.result()


def install(locale: str, model: Retriever) -> None:
    """Answers `locale`'s posts with `model` from now on (retrained with the examples
    operators taught: bot/knowledge/teaching.py)."""
    _RETRIEVERS[(str(_root()), locale)] = model
