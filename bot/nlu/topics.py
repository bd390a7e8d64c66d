"""The topic data (bot/data/nlu/topics.toml): facts with sources, dashboard statuses, urgency,
troubleshooting steps and the words that frame a post. Read once and validated."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bot.nlu.knowledge import INTENTS, KnowledgeError

_PUNCT = re.compile(r"[^\w\s-]+")
_STATUS_SIMILARITY = 0.85  # a typo or two in a pasted label still counts
_PARTIAL = 80  # rapidfuzz partial_ratio below this: the label is nowhere near the text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Facts(_Strict):
    dukcapil_phone: str
    complaint_form: str
    min_age: int = Field(gt=0)
    max_age: int = Field(gt=0)
    redeem_window_hours: int = Field(gt=0)
    transfer_missing_working_days: int = Field(gt=0)
    leftover_fund_days: int = Field(gt=0)


class StatusEntry(_Strict):
    """A dashboard status label family and what it means."""

    meaning: str
    labels: tuple[str, ...] = Field(min_length=1)
    context: tuple[str, ...] = ()
    source: str
    # False: no source shows these exact words on the dashboard, so the bot never quotes them
    # as a label ("“Udah Ditransfer” means..."), only as what the participant reports.
    documented: bool = True


class Case(_Strict):
    """A specific case inside one or more topics: the phrases that select it, per locale, and
    the knowledge base's entries that answer it (bot/data/kb; the likeliest is answered)."""

    key: str
    intents: tuple[str, ...] = Field(min_length=1)
    phrases: dict[str, tuple[str, ...]]
    entries: tuple[str, ...] = Field(min_length=1)
    source: str


class Framing(_Strict):
    """Per locale: phrases that frame a post, and the short follow-ups."""

    courtesy: tuple[str, ...]
    peer: tuple[str, ...]
    thanks: tuple[str, ...]
    venting: tuple[str, ...]
    acknowledgements: tuple[str, ...]
    again: tuple[str, ...]
    next: tuple[str, ...]


class Urgency(_Strict):
    order: tuple[str, ...]


class Topics(_Strict):
    memory_minutes: int = Field(gt=0, le=24 * 60)
    acknowledgement_emoji: str = ""
    facts: Facts
    urgency: Urgency
    statuses: tuple[StatusEntry, ...]
    troubleshooting: dict[str, tuple[str, ...]]
    next_topic: dict[str, str]
    reading: dict[str, Framing]
    cases: tuple[Case, ...] = ()

    def rank(self, intent: str) -> int:
        """How urgent a topic is (lower first); unlisted topics come last."""
        order = self.urgency.order
        return order.index(intent) if intent in order else len(order)

    def framing(self, locale: str) -> Framing:
        return self.reading.get(locale) or self.reading["id"]


def plain(text: str) -> str:
    """Lower case, punctuation out, single spaces: how pasted labels are compared."""
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


@cache
def topics() -> Topics:
    """The shipped topic data, validated (a bad file stops the bot at start)."""
    origin = "bot/data/nlu/topics.toml"
    try:
        raw = resources.files("bot.data").joinpath("nlu", "topics.toml").read_text("utf-8")
        parsed = Topics.model_validate(tomllib.loads(raw))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise KnowledgeError(f"{origin}: {exc}") from None
    named = (
        *parsed.urgency.order,
        *parsed.troubleshooting,
        *parsed.next_topic.items(),
        *(case.intents for case in parsed.cases),
    )
    unknown = [n for n in named for n in ((n,) if isinstance(n, str) else n) if n not in INTENTS]
    if unknown:
        raise KnowledgeError(f"{origin}: unknown intents {unknown}")
    keys = [case.key for case in parsed.cases]
    if len(keys) != len(set(keys)) or any("id" not in case.phrases for case in parsed.cases):
        raise KnowledgeError(f"{origin}: case keys must be unique, each with phrases.id")
    if "id" not in parsed.reading:
        raise KnowledgeError(f"{origin}: reading.id is missing")
    return parsed


def find_statuses(text: str) -> list[tuple[int, StatusEntry, str]]:
    """The dashboard statuses quoted in `text`: (position, entry, label as written), in the
    order written; a label that is a common word counts only next to its context words."""
    joined = plain(text)
    words = joined.split()
    found: list[tuple[int, StatusEntry, str]] = []
    taken: set[int] = set()
    entries = sorted(
        ((label, entry) for entry in topics().statuses for label in entry.labels),
        key=lambda pair: -len(pair[0].split()),
    )
    for label, entry in entries:
        size = len(label.split())
        if entry.context and not any(c in words for c in entry.context):
            continue
        exact = label in joined
        if not exact and (len(label) < 8 or fuzz.partial_ratio(label, joined) < _PARTIAL):
            continue  # neither written nor misspelt anywhere: skip the word-by-word look
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            if taken.intersection(span):
                continue
            window = " ".join(words[start : start + size])
            close = Levenshtein.normalized_similarity(window, label) >= _STATUS_SIMILARITY
            if window == label or (len(label) >= 8 and close):
                found.append((start, entry, window))
                taken.update(span)
    return sorted(found, key=lambda item: item[0])
