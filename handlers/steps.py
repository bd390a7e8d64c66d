"""Marking a step of the program done ("Sudah") from any step's explanation."""

from __future__ import annotations

import logging

from bot.conversation.context import Context
from bot.core.benefits import FINISHED, PREREQUISITES
from bot.core.domain import Incoming, Reply, Step
from handlers import incentives
from handlers.common import CHECKLIST, mark_done, menu_reply

log = logging.getLogger(__name__)

_LABELS = dict(CHECKLIST)


async def done(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the step named by the option as done; shows the incentive's next step or the menu."""
    item = (msg.choice or "").removeprefix("done:")
    if item not in _LABELS:
        return [menu_reply(ctx, ctx.t._("That menu is outdated. Here is the current one."))]
    ctx.participant.step = Step.MENU
    if mark_done(ctx, item):
        log.info("participant %s marked %s done", ctx.participant.id, item)
    text = ctx.t._("Noted: “{step}” ✅").format(step=ctx.t._(_LABELS[item]))
    if item in (*PREREQUISITES, FINISHED):
        return [Reply(text), *await incentives.next_only(ctx)]
    return [menu_reply(ctx, text)]
