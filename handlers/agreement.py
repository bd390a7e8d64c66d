"""How the knowledge base's search and the intent classifier agree on a post: whether the
likeliest entry is of the topic the classifier read (or of another topic the post names), of a
topic far from the deadline it was read as, and which runner-ups are worth offering beside an
answer. Stores nothing; asks nothing."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation.context import Context
from bot.knowledge import Found
from bot.knowledge.decide import NEAR_DEADLINE, asked_second
from bot.nlu import Reading, Result
from handlers import choosing
from handlers.knowledge import entry, offered

_SHARE = 0.5  # a runner-up of another topic is offered beside an answer from this share of it


def topic_is(ctx: Context, found: Found, result: Result, also: tuple[str, ...] = ()) -> bool:
    """Whether the likeliest entry is of the topic the intent classifier read (or one of
    `also`, the other topics the post names)."""
    best = entry(ctx, found.best) if found.best else None
    return best is not None and (best.topic == result.intent or best.topic in also)


def named(ctx: Context, found: Found, reading: Reading) -> bool:
    """Whether the likeliest entry is of any topic the post names, or the runner-up, which
    another clause asks (two questions), is of the classifier's topic."""
    result = reading.result
    second = bool(asked_second(found)) and runner_agrees(ctx, found, result)
    return topic_is(ctx, found, result, reading.topics) or second


def offered_beside(ctx: Context, found: Found, leaning: bool) -> tuple[str, ...]:
    """The entries offered beside an answer: the plausible runner-ups when it leans, else a
    close second (handlers/choosing.py)."""
    return runner_ups(ctx, found) if leaning else choosing.close_second(found)


def runner_agrees(ctx: Context, found: Found, result: Result) -> bool:
    """Whether the entry after the likeliest is of the topic the intent classifier read."""
    runner = entry(ctx, found.ranked[1][0]) if len(found.ranked) > 1 else None
    return runner is not None and runner.topic == result.intent


def far_from_deadline(ctx: Context, found: Found, result: Result, sure: float) -> bool:
    """Whether a post read as the deadline is surely about another thing ("usia 60 tahun,
    masih bisa?": the age limit), not a missed deadline or buying."""
    far = choosing.sure_of_other_topic(ctx, found, sure, NEAR_DEADLINE)
    return result.intent == "deadline" and far


def runner_ups(ctx: Context, found: Found) -> tuple[str, ...]:
    """The one or two entries after the likeliest worth offering beside its answer."""

    def topic_of(entry_id: str) -> str | None:
        found_entry = entry(ctx, entry_id)
        return found_entry.topic if found_entry is not None else None

    return plausible(found, offered(ctx, found)[1:3], topic_of)


def plausible(
    found: Found, candidates: list[str], topic_of: Callable[[str], str | None]
) -> tuple[str, ...]:
    """The candidates of the likeliest entry's topic, or at least half as likely as it (an
    incentive answer offers no "Gabung Gelombang" found at a third of its confidence)."""
    best = topic_of(found.best) if found.best else None
    scores = dict(found.ranked)
    return tuple(
        e
        for e in candidates
        if (best is not None and topic_of(e) == best)
        or scores.get(e, 0.0) >= found.confidence * _SHARE
    )
