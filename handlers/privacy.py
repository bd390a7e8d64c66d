"""Deleting everything the bot holds about a participant, after a yes/no confirmation."""

from __future__ import annotations

import logging

from bot.domain import Incoming, Option, Reply, Step
from handlers.context import Context

log = logging.getLogger(__name__)

_YES = {"ya", "iya", "y", "yes", "ok", "oke", "hapus", "yakin"}
_NO = {"tidak", "tdk", "ga", "gak", "nggak", "enggak", "no", "n", "batal", "jangan"}


async def ask_delete(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the confirmation step and asks whether to really delete everything."""
    ctx.participant.step = Step.CONFIRM_DELETE
    t = ctx.t
    return [
        Reply(
            t._(
                "Delete all your data? Your deadline, progress and settings will be erased and "
                "you'll get no more reminders. This cannot be undone."
            ),
            (Option("delete:yes", t._("Yes, delete")), Option("delete:no", t._("No, keep it"))),
        )
    ]


async def confirm(ctx: Context, msg: Incoming) -> list[Reply]:
    """Deletes every row about the participant on yes; stores the menu step on no."""
    answer = (msg.choice or "").removeprefix("delete:") or msg.text.strip().lower()
    if ctx.participant.step != Step.CONFIRM_DELETE:
        return [Reply(ctx.t._("That question has expired. Send /hapus to delete your data."))]
    if answer in _YES or answer == "yes":
        if ctx.participant.id is not None:
            await ctx.store.delete_participant(ctx.participant.id)
        log.info("participant %s deleted their data", ctx.participant.id)
        ctx.deleted = True
        return [
            Reply(
                ctx.t._(
                    "All your data has been deleted. Send /start whenever you want to begin again."
                )
            )
        ]
    if answer in _NO or answer == "no":
        ctx.participant.step = Step.MENU if ctx.participant.onboarded else Step.NEW
        return [Reply(ctx.t._("Okay, nothing was deleted."))]
    return [Reply(ctx.t._("Please answer yes or no.")), *await ask_delete(ctx, msg)]
