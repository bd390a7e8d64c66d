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
from bot.nlu.reading import Reading

__all__ = [
    "INTENTS",
    "UNKNOWN",
    "Classifier",
    "Knowledge",
    "KnowledgeError",
    "Reading",
    "Result",
    "classifier",
]


@cache
def classifier(locale: str) -> Classifier:
    """The classifier for `locale`, built once per process from the shipped data."""
    return Classifier(load_knowledge(locale if locale in ("id", "en") else "id"))
