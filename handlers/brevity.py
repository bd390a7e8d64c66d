"""Short answers: at most two messages of about 600 characters each; the rest of a long
answer waits behind a "Lihat detail" button (kept in the conversation's memory)."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply
from handlers.common import menu_reply
from handlers.memory import recall

MAX_MESSAGES = 2
MAX_CHARS = 600
MORE = "more:show"


def _merge(replies: list[Reply]) -> list[Reply]:
    """Joins neighbouring messages while they fit one screen; buttons stay on the last."""
    packed: list[Reply] = []
    for reply in replies:
        if packed:
            last = packed[-1]
            joined = last.text + "\n\n" + reply.text
            if not last.options and not last.request_contact and len(joined) <= MAX_CHARS:
                packed[-1] = Reply(joined, reply.options, reply.request_contact)
                continue
        packed.append(reply)
    return packed


def _dump(replies: list[Reply]) -> list[dict[str, object]]:
    return [{"text": r.text, "options": [[o.id, o.label] for o in r.options]} for r in replies]


def _load(raw: object) -> list[Reply]:
    if not isinstance(raw, list):
        return []
    found = []
    for item in raw:
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            options = tuple(
                Option(str(o[0]), str(o[1])) for o in item.get("options", []) if len(o) == 2
            )
            found.append(Reply(item["text"], options))
    return found


async def fit(ctx: Context, replies: list[Reply]) -> list[Reply]:
    """The replies as at most two messages; what doesn't fit is kept for "Lihat detail"."""
    if len(replies) <= MAX_MESSAGES:
        return replies
    packed = _merge(replies)
    if len(packed) <= MAX_MESSAGES or ctx.participant.id is None or ctx.deleted:
        return packed
    shown, rest = packed[:MAX_MESSAGES], packed[MAX_MESSAGES:]
    options = rest[-1].options
    rest[-1] = Reply(rest[-1].text, (), rest[-1].request_contact)
    last = shown[-1]
    more = Option(MORE, ctx.t._("Show details"))
    keep = tuple(o for o in (*last.options, *options) if o.id != MORE)
    shown[-1] = Reply(last.text, (more, *dict.fromkeys(keep)), last.request_contact)
    memory = await recall(ctx)
    memory.data["more"] = _dump(rest)
    memory.data["more_options"] = [[o.id, o.label] for o in options]
    return shown


async def show_more(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores what is still left; shows the rest of the last long answer."""
    memory = await recall(ctx)
    rest = _load(memory.data.pop("more", None))
    options = tuple(
        Option(str(o[0]), str(o[1])) for o in memory.data.pop("more_options", []) if len(o) == 2
    )
    if not rest:
        return [menu_reply(ctx, ctx.t._("That menu is outdated. Here is the current one."))]
    rest[-1] = Reply(rest[-1].text, options or rest[-1].options)
    return await fit(ctx, rest)
