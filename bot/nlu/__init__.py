"""Understanding free text: normalising informal Indonesian and classifying it into intents.

Owns the per-locale knowledge data (bot/data/nlu), the normaliser, the entity finders, the
classifier and its evaluation and `classify` CLI.
May import: `bot.core`.
Imported by: `bot.app`, `handlers`.
"""

from __future__ import annotations

from functools import cache

from bot.nlu.knowledge import INTENTS, UNKNOWN, Knowledge, KnowledgeError, load_knowledge
from bot.nlu.model import Classifier, Result
from bot.nlu.reading import Reader, Reading

__all__ = [
    "INTENTS",
    "UNKNOWN",
    "Classifier",
    "Knowledge",
    "KnowledgeError",
    "Reader",
    "Reading",
    "Result",
    "classifier",
]


@cache
def classifier(locale: str) -> Reader:
    """The reader (and its classifier) for `locale`, built once per process from the shipped
    data."""
    return Reader(Classifier(load_knowledge(locale if locale in ("id", "en") else "id")))
