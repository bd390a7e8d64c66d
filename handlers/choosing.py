"""Which entry answers a post, and what is offered beside it, where the search alone does not
say: a close runner-up offered beside a confident answer, a pasted failure whose cause the post
names, a "missed" deadline that by the participant's own dates has not passed. Stores nothing."""

from __future__ import annotations

import re

from bot.conversation.context import Context
from bot.core.domain import Reply
from bot.knowledge import Found
from bot.nlu import Reading
from handlers.common import deadline_missed
from handlers.knowledge import entry, find

_LABEL = re.compile(r"^\s*status\s*:\s*", re.IGNORECASE)
_STATUS_LINE_WORDS = 3  # a line this short, of several, starting with a status: pasted
_CLOSE = 0.75  # a runner-up this close to a confidently answered entry is offered beside it


def close_second(found: Found) -> tuple[str, ...]:
    """The runner-up when it is nearly as likely as the answered entry (two entries of
    neighbouring meaning: the answer is given, the other offered as "Or did you mean")."""
    if len(found.ranked) < 2:
        return ()
    (_, best), (second, score) = found.ranked[0], found.ranked[1]
    return (second,) if best > 0 and score >= best * _CLOSE else ()


def sure_of_other_topic(
    ctx: Context, found: Found, sure: float, near: frozenset[str] = frozenset({"deadline"})
) -> bool:
    """Whether the likeliest entry is this sure and of a topic outside `near` (by default
    another topic than the deadline's)."""
    best = entry(ctx, found.best) if found.best else None
    return best is not None and found.confidence >= sure and best.topic not in near


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


def pasted_notice(text: str, reading: Reading) -> bool:
    """Whether the post pastes a dashboard notice: a line "Status: X", or, among several
    lines, a short one that starts with a status the post quotes (the notice's other lines,
    "Insentif Bulan ke-1", name no cause)."""
    labels = [label.lower() for _, label in reading.statuses]
    lines = [line.strip().lower() for line in text.splitlines() if line.strip()]
    for line in lines:
        body = _LABEL.sub("", line)
        if body and body != line:
            return True
        short = len(body.split()) <= _STATUS_LINE_WORDS
        if len(lines) > 1 and short and any(body.startswith(x) for x in labels):
            return True
    return False


def names_the_cause(ctx: Context, found: Found, reading: Reading, sure: float, text: str) -> bool:
    """Whether a post with a pasted failure ("GAGAL") names its cause ("saldo e-wallet penuh",
    "nomor HP ganti") so that the entry for that cause answers it better than what the status
    means: the post's likeliest entry, this sure, of the status's topic, is not the one the
    status alone finds."""
    best = entry(ctx, found.best) if found.best else None
    # the cause may be the payment account's ("nomor dana beda sm nomor di akun prakerja")
    topics = (reading.result.intent, "link_account")
    if best is None or found.confidence < sure or best.topic not in topics:
        return False
    if pasted_notice(text, reading):  # the dashboard's own notice: its status wins
        return False
    if not all(status.meaning == "failed" for status, _ in reading.statuses):
        return False
    alone = find(ctx, "status insentif " + " ".join(label for _, label in reading.statuses))
    return alone.best != best.id
