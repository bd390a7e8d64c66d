"""The mood of a message (hardship, distress, anger: words in bot/data/nlu/cues.toml): one
short human sentence first, then the answer, then a person offered. Stores nothing."""

from __future__ import annotations

import zlib

from bot.conversation.context import Context
from bot.core.domain import Option, Reply, Step
from bot.core.i18n import N_
from bot.nlu.cues import Mood, cues

# One short sentence per kind, varied (chosen by the message, so a retry says the same).
ACKNOWLEDGEMENTS: dict[Mood, tuple[str, ...]] = {
    "hardship": (
        N_("I'm so sorry you're going through this."),
        N_("That sounds really hard, and I'm sorry."),
        N_("I'm sorry, that is a heavy load to carry right now."),
    ),
    "distress": (
        N_("I hear you: this is stressful, and you're not alone with it."),
        N_("That sounds exhausting. Let's sort out what we can, one step at a time."),
        N_("I'm sorry it has come to this. Let's see what can still be done."),
    ),
    "anger": (
        N_("I understand you're upset, and I'm sorry it has been this frustrating."),
        N_("You have every right to be annoyed. Let me help as far as I can."),
        N_("I'm sorry, waiting like this is maddening. Here is what I know."),
    ),
}
PERSON = "intent:human"  # the button that opens a handoff (handlers/answers.py human)


def acknowledgement(ctx: Context, mood: Mood, text: str) -> str:
    """The sentence for this mood, picked by the message's words."""
    choices = ACKNOWLEDGEMENTS[mood]
    return ctx.t._(choices[zlib.crc32(text.encode()) % len(choices)])


def attune(ctx: Context, text: str, replies: list[Reply]) -> list[Reply]:
    """The replies with the acknowledgement before them and a person offered after them, when
    the message shows distress, anger or hardship; else the replies unchanged."""
    mood = cues().mood_of(text)
    if mood is None or not replies:
        return replies
    first = replies[0]
    said = acknowledgement(ctx, mood, text) + "\n\n" + first.text
    replies = [Reply(said, first.options, first.request_contact), *replies[1:]]
    last = replies[-1]
    if ctx.participant.step == Step.HANDOFF or any(o.id == PERSON for o in last.options):
        return replies
    person = Option(PERSON, ctx.t._("Talk to a person"))
    return [*replies[:-1], Reply(last.text, (person, *last.options), last.request_contact)]
