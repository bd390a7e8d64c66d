"""A request for a person in a typed post: the handoff opens; a bank's or e-wallet's customer
service named in it ("udah aku telpon cs ovo") is no such request. Stores the topic "human"
when a person is asked for; asks nothing further itself."""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.context import Context
from bot.core.domain import Incoming, Reply
from bot.nlu import Reading, classifier
from bot.nlu.cues import cues
from bot.storage.base import Memory
from handlers import answers, followup, troubleshooting
from handlers.memory import remember


async def moved(
    ctx: Context, msg: Incoming, text: str, reading: Reading, memory: Memory
) -> list[Reply] | Reading | None:
    """A request for a person in either language opens the handoff; a bank's or e-wallet's
    customer service ("udah aku telpon cs ovo") is not one: the remembered topic goes on (or
    the post is read as about the payment account). None: nothing to change."""
    said, names = cues(), tuple(p.name for p in ctx.program.partners)
    model = classifier(ctx.t.locale)
    if said.about_partner_service(text, names):
        if reading.result.intent != "human":
            return None
        if memory.topic and memory.topic != "human" and troubleshooting.step_count(memory.topic):
            return await followup.again(ctx, memory, memory.topic, report=False)
        return replace(reading, result=model.result_for("link_account", reading.result, 1.0))
    if said.asks_for_person(text, names):
        await remember(ctx, "human")
        return await answers.human(ctx, msg)
    return None
