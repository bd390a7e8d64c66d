"""How the knowledge base's search and the intent classifier agree on a post: whether the
likeliest entry is of the topic the classifier read (or of another topic the post names), of a
topic far from it, which runner-ups are worth offering beside an answer, and the deadline
answer to a post that only fears a missed deadline. Stores nothing; asks nothing."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation.context import Context
from bot.core.domain import Reply
from bot.knowledge import Found
from bot.knowledge.decide import NEAR_DEADLINE
from bot.nlu import Result
from handlers.common import deadline_missed
from handlers.knowledge import entry, offered

_SHARE = 0.5  # a runner-up of another topic is offered beside an answer from this share of it


def topic_is(ctx: Context, found: Found, result: Result, also: tuple[str, ...] = ()) -> bool:
    """Whether the likeliest entry is of the topic the intent classifier read (or one of
    `also`, the other topics the post names)."""
    best = entry(ctx, found.best) if found.best else None
    return best is not None and (best.topic == result.intent or best.topic in also)


def runner_agrees(ctx: Context, found: Found, result: Result) -> bool:
    """Whether the entry after the likeliest is of the topic the intent classifier read."""
    runner = entry(ctx, found.ranked[1][0]) if len(found.ranked) > 1 else None
    return runner is not None and runner.topic == result.intent


def sure_of_other_topic(ctx: Context, found: Found, sure: float, near: frozenset[str]) -> bool:
    """Whether the likeliest entry is this sure and of a topic outside `near`."""
    best = entry(ctx, found.best) if found.best else None
    return best is not None and found.confidence >= sure and best.topic not in near


def far_from_deadline(ctx: Context, found: Found, result: Result, sure: float) -> bool:
    """Whether a post read as the deadline is surely about another thing ("usia 60 tahun,
    masih bisa?": the age limit), not a missed deadline or buying."""
    return result.intent == "deadline" and sure_of_other_topic(ctx, found, sure, NEAR_DEADLINE)


def not_passed_yet(ctx: Context, replies: list[Reply]) -> list[Reply]:
    """The deadline answer to a post that says it missed the deadline while the
    participant's own deadline has not passed: says so (the answer as it is once it has)."""
    if deadline_missed(ctx) or ctx.participant.deadline_utc is None or not replies:
        return replies
    said = ctx.t._(
        "By your wave's dates it hasn't passed yet, so you can still buy your first training. "
        "If you are in another wave, tell me its number."
    )
    first = replies[0]
    return [Reply(first.text + "\n" + said, first.options, first.request_contact), *replies[1:]]


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
