"""Follow-ups that only make sense after the previous answer: "kalau tanggal 28?", "masih
belum", "terus gimana?", "ok", "makasih", an emoji. Read against the conversation's memory;
a problem reported again gets the topic's next troubleshooting step, the third time a person."""

from __future__ import annotations

import logging
from datetime import date

from bot.conversation.context import Context, Handler
from bot.core.domain import Incoming, Question, Reply
from bot.nlu import Reading, classifier
from bot.nlu.entities import find_date
from bot.nlu.topics import topics
from bot.storage.base import Memory
from handlers import cases, troubleshooting
from handlers.common import main_options
from handlers.escalation import escalate
from handlers.memory import remember

log = logging.getLogger(__name__)

_DATE_TOPICS = ("deadline", "purchased", "sanctions", "buy_training")
_TO_PERSON = 2  # repeats: the first report is answered, the second gets the next step, the
# third goes to a person
_SHORT = 5  # a follow-up is short; a longer message is read on its own
ESCALATED = Question.ESCALATED  # the memory's question once the problem went to a person


def _words(ctx: Context, text: str) -> list[str]:
    return classifier(ctx.t.locale).normalizer.tokens(text)


def _without(ctx: Context, words: list[str], phrases: tuple[str, ...]) -> list[str] | None:
    """`words` without the first of `phrases` found in them; None if none is there."""
    normalise = classifier(ctx.t.locale).normalizer.tokens
    found = sorted((normalise(p) for p in phrases), key=len, reverse=True)
    for phrase in found:
        for start in range(len(words) - len(phrase) + 1):
            if phrase and words[start : start + len(phrase)] == phrase:
                return words[:start] + words[start + len(phrase) :]
    return None


def is_acknowledgement(ctx: Context, text: str) -> bool:
    """ "ok", "sip", "baik kak": the participant took the answer in."""
    framing = topics().framing(ctx.t.locale)
    normalise = classifier(ctx.t.locale).normalizer.text
    typed = " ".join(text.lower().strip(" .!?,").split())
    if typed in framing.acknowledgements:
        return True
    said = normalise(text)
    return bool(said) and said in {normalise(a) for a in framing.acknowledgements}


def is_emoji_acknowledgement(text: str) -> bool:
    """👍, 🙏, 👌 and their like (topics.toml) alone."""
    marks = topics().acknowledgement_emoji
    stripped = "".join(
        c for c in text if c not in "\ufe0f\u200d " and not "\U0001f3fb" <= c <= "\U0001f3ff"
    )
    return bool(stripped) and all(c in marks for c in stripped)


def acknowledge(ctx: Context, memory: Memory, thanked: bool) -> list[Reply]:
    """A short reply to "ok" / "makasih" / 👍 that keeps the thread."""
    t = ctx.t
    text = t._("You're welcome!") if thanked else t._("Okay!")
    helping = memory.question != ESCALATED  # after the handoff there is nothing to go on with
    if memory.topic and helping and troubleshooting.step_count(memory.topic):
        text += " " + t._("If it still doesn't work, just tell me: I'll go on from there.")
    else:
        text += " " + t._("Anything else I can help with?")
    return [Reply(text, main_options(ctx))]


async def again(ctx: Context, memory: Memory, topic: str, *, report: bool = True) -> list[Reply]:
    """Stores the repeat count; the next troubleshooting step, or a person the third time the
    problem is reported (asking "terus gimana?" moves on without counting as a report)."""
    repeats = (memory.repeats if memory.topic == topic else 0) + int(report)
    index = int(memory.data.get("step", -1)) + 1 if memory.topic == topic else 0
    log.info("participant %s: %s reported again (%s)", ctx.participant.id, topic, repeats)
    reply = troubleshooting.step(ctx, topic, index)
    if repeats >= _TO_PERSON or reply is None:
        await remember(ctx, topic, question=ESCALATED, repeats=repeats, step=index)
        return await escalate(ctx, topic)
    await remember(ctx, topic, repeats=repeats, step=index)
    return [reply]


async def in_context(
    ctx: Context,
    msg: Incoming,
    text: str,
    reading: Reading,
    memory: Memory,
    answers: dict[str, Handler],
) -> list[Reply] | None:
    """The answer when `text` follows up on the remembered topic, else None. A follow-up
    phrase ("masih belum", "terus gimana") counts unless the rest of the message is clearly
    about another topic."""
    words = _words(ctx, text)
    topic = memory.topic
    framing = topics().framing(ctx.t.locale)
    if topic is None and words and len(words) <= _SHORT:
        rest = _without(ctx, words, framing.again + framing.next)
        if rest is not None and len(rest) <= 1:  # "terus gimana?" with nothing before it
            text = ctx.t._("What is it about? Tell me in a few words, or choose from the menu:")
            return [Reply(text, main_options(ctx))]
    if topic is None or not words or len(words) > _SHORT * 2:
        return None
    model = classifier(ctx.t.locale)

    def elsewhere(rest: list[str]) -> bool:
        if len(rest) < 2:
            return False
        other = model.classify_tokens(rest)
        return other.clear and other.intent not in ("unknown", "thanks", "greeting", topic)

    case = cases.find(ctx.t.locale, topic, text)
    said = reading.result
    if (
        case is not None
        and case.key != memory.data.get("case")
        and (said.intent in case.intents or not said.clear or said.intent == "unknown")
    ):  # another specific question on the same topic ("kalau hapus akun?")
        await remember(ctx, topic, case=case.key)
        return await cases.answer(ctx, topic, text)
    steps = troubleshooting.step_count(topic)
    rest = _without(ctx, words, framing.again)
    if rest is not None and steps and not elsewhere(rest):
        return await again(ctx, memory, topic)
    rest = _without(ctx, words, framing.next)
    if rest is not None and len(rest) <= 2 and not elsewhere(rest):
        if steps:
            return await again(ctx, memory, topic, report=False)
        following = topics().next_topic.get(topic)
        if following is not None and following in answers:
            await remember(ctx, following)
            return await answers[following](ctx, msg)
    today: date = ctx.t.local(ctx.now()).date()
    if topic in _DATE_TOPICS and find_date(text, today) is not None and len(words) <= _SHORT:
        await remember(ctx, "deadline")
        return await answers["deadline"](ctx, msg)
    if reading.result.intent == topic and steps and reading.result.clear:
        return await again(ctx, memory, topic)  # the same problem, told again
    return None
