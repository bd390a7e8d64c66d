"""The conversation's memory, kept with the participant: the last topic, the question last
asked, how often a problem came back, and the rest of a long answer. Valid for the minutes set
in bot/data/nlu/topics.toml, measured with the injected clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.conversation.context import Context
from bot.nlu.topics import topics
from bot.storage.base import Memory

_KEY = "memory"
TRAIL = "trail"  # in the memory's data: topics and statuses of the conversation so far
_LOADED = "memory_loaded"
_TOUCHED = "memory_touched"


async def recall(ctx: Context) -> Memory:
    """This turn's memory: what was stored if still valid, else an empty one."""
    found = ctx.extras.get(_KEY)
    if isinstance(found, Memory):
        return found
    memory = Memory(topic=None, question=None, updated_at=ctx.now())
    pid = ctx.participant.id
    if pid is not None:
        stored = await ctx.store.get_memory(pid)
        valid = timedelta(minutes=topics().memory_minutes)
        if stored is not None and ctx.now() - stored.updated_at <= valid:
            memory = stored
    ctx.extras[_KEY] = memory
    ctx.extras[_LOADED] = (memory.topic, memory.question, memory.repeats, dict(memory.data))
    return memory


async def remember(
    ctx: Context,
    topic: str | None,
    *,
    question: str | None = None,
    repeats: int = 0,
    **data: Any,
) -> None:
    """Sets this turn's memory (saved by save() at the end of the turn)."""
    memory = await recall(ctx)
    ctx.extras[_TOUCHED] = True
    trail = _trail(memory.data.get(TRAIL), topic, data.pop("pasted", None))
    data.pop(TRAIL, None)
    memory.topic, memory.question, memory.repeats = topic, question, repeats
    memory.data = {k: v for k, v in data.items() if v is not None}
    if trail:
        memory.data[TRAIL] = trail


def _trail(before: object, topic: str | None, pasted: object) -> dict[str, list[str]]:
    """The topics talked about and the dashboard statuses pasted while the memory lasts (the
    operators' inbox shows them when the participant asks for a person)."""
    found = before if isinstance(before, dict) else {}
    topics = [t for t in found.get("topics", []) if isinstance(t, str)]
    if topic and (not topics or topics[-1] != topic):
        topics.append(topic)
    quoted = [p for p in found.get("pasted", []) if isinstance(p, str)]
    for label in pasted if isinstance(pasted, list) else []:
        if isinstance(label, str) and label not in quoted:
            quoted.append(label)
    trail = {"topics": topics[-8:], "pasted": quoted[-5:]}
    return {k: v for k, v in trail.items() if v}


async def save(ctx: Context) -> None:
    """Stores this turn's memory with the participant (when it was used and they exist)."""
    memory = ctx.extras.get(_KEY)
    pid = ctx.participant.id
    if not isinstance(memory, Memory) or pid is None or ctx.deleted:
        return
    before = ctx.extras.get(_LOADED)
    now = (memory.topic, memory.question, memory.repeats, memory.data)
    if before == now and not ctx.extras.get(_TOUCHED):
        return  # read but not changed (a button, a command): no write
    memory.updated_at = ctx.now()
    await ctx.store.save_memory(pid, memory)
