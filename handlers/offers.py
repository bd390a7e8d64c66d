"""What a post says about the participant, offered for recording after a yes (handlers/facts.py
words each offer): their wave, announcement or purchase date, wallet, progress said in words.
When the post also asks something, the answer comes first and the offer after it; a "bukan, ..."
with a date or a month is read as a no with a correction."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.conversation.context import Context
from bot.core.domain import Reply
from bot.nlu import Reading, classifier
from handlers import brevity, facts, purchase
from handlers.memory import recall, remember

_SHORT_STATEMENT = 8  # words: "aku pakai OVO kak" states a fact, it asks nothing
# Topics an offer itself is about, or that ask nothing: no separate answer before the offer.
_NOT_QUESTIONS = frozenset(
    {"purchased", "greeting", "thanks", "unknown", "link_account", "deadline", "help"}
)
_CORRECTION = re.compile(
    r"^\s*(?:bukan|bkn|salah|nggak|enggak|engga|gak|ga|tidak|no|not|nope)\b[\s,.!-]*", re.I
)
_ASKING = re.compile(
    r"^\W*(?:min\W+|kak\W+|mau tanya\W+)?(?:cara|caranya|gimana|gmn|bagaimana|apakah|apa|"
    r"kenapa|knp|kapan|berapa|bisakah|how|what|when|why|can|do|does|is)\b",
    re.IGNORECASE,
)
_LAST_MONTH = re.compile(r"\b(?:bulan lalu|bulan kemarin|bln lalu|bulan kmrn|last month)\b", re.I)


async def offer(ctx: Context, text: str, reading: Reading) -> list[Reply] | None:
    """The first offer the post calls for (it stores the question in the memory), or None."""
    result = reading.result
    if (wave := facts.own_wave(text)) is not None and (asked := await facts.offer_wave(ctx, wave)):
        return asked
    if asked := await facts.offer_announced(ctx, text):
        return asked
    if _ASKING.match(text):  # "cara kasih ulasan yg udah selesai?": a question, no claim
        return None
    if (result.intent == "purchased" or facts.claims_purchase(text)) and (
        asked := await facts.offer_purchase(ctx, text)
    ):
        return asked
    short = len(text.split()) <= _SHORT_STATEMENT
    if (
        (result.intent == "link_account" or short)
        and not reading.statuses
        and (asked := await facts.offer_wallet(ctx, text))
    ):
        return asked
    return await facts.offer_progress(ctx, text)


def question_beside(ctx: Context, reading: Reading) -> Reading | None:
    """The reading of what the post asks besides the fact it states, if it asks something."""
    for topic in reading.topics:
        if topic not in _NOT_QUESTIONS:
            if topic == reading.result.intent and reading.result.clear:
                return reading
            result = classifier(ctx.t.locale).result_for(topic, reading.result)
            return replace(reading, result=replace(result, clear=True))
    return None


Kept = tuple[str | None, str | None, int, dict[str, object]]


async def keep(ctx: Context) -> Kept:
    """The memory as the offer left it (its question), to restore after the answer."""
    memory = await recall(ctx)
    return memory.topic, memory.question, memory.repeats, dict(memory.data)


async def after(
    ctx: Context, kept: Kept, answered: list[Reply], offered: list[Reply]
) -> list[Reply]:
    """The answer (as one message) and then the offer, with the offer's question kept."""
    said = "\n\n".join(r.text for r in answered)
    first = Reply(said if len(said) <= brevity.MAX_CHARS else answered[0].text)
    await remember(ctx, kept[0], question=kept[1], repeats=kept[2], **kept[3])
    return [first, *offered]


async def correction(ctx: Context, text: str) -> list[Reply] | None:
    """ "bukan, aku belinya tgl 25" / "bukan, bulan lalu": a no that corrects the date asked
    about; offers that date, or asks which day of last month. None when it is no correction."""
    match = _CORRECTION.match(text)
    if match is None or "purchase" in ctx.participant.progress:
        return None
    rest = text[match.end() :]
    if asked := await facts.offer_purchase(ctx, rest):
        return asked
    if _LAST_MONTH.search(rest):
        await remember(ctx, "purchased", question=purchase.ASK_DATE)
        return [Reply(ctx.t._("Which day last month did you buy it? (e.g. 28/10)"))]
    return None
