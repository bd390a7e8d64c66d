"""Deleting everything the bot holds about a participant, after a yes/no confirmation."""

from __future__ import annotations

import logging
import re

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply, Step
from bot.knowledge import Found
from bot.nlu import classifier
from handlers import knowledge

log = logging.getLogger(__name__)


def _decision(ctx: Context, msg: Incoming) -> bool | None:
    """Yes (delete), no (keep), or None when the answer is neither."""
    if msg.choice:
        return {"delete:yes": True, "delete:no": False}.get(msg.choice)
    text = msg.text.strip().lower()
    if text in ("hapus", "delete"):
        return True
    return classifier(ctx.t.locale).yes_no(text)


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
    if ctx.participant.step != Step.CONFIRM_DELETE:
        return [Reply(ctx.t._("That question has expired. Send /hapus to delete your data."))]
    answer = _decision(ctx, msg)
    if answer is True:
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
    if answer is False:
        ctx.participant.step = Step.MENU if ctx.participant.onboarded else Step.NEW
        return [Reply(ctx.t._("Okay, nothing was deleted."))]
    return [Reply(ctx.t._("Please answer yes or no.")), *await ask_delete(ctx, msg)]


_PROGRAM = re.compile(r"\b(?:prakerja|akun|account)\b", re.IGNORECASE)


def program_account(ctx: Context, found: Found, text: str) -> str | None:
    """The entry on the Prakerja account when a request to delete names the program's account
    ("hapus data sy dari prakerja"): this bot cannot delete it. None: this bot's data is meant."""
    if found.best is None or not _PROGRAM.search(text):
        return None
    best = knowledge.entry(ctx, found.best)
    return best.id if best is not None and best.topic == "account_access" else None


def offer_delete(ctx: Context) -> Reply:
    """This bot's own data, offered beside the answer about the Prakerja account."""
    t = ctx.t
    return Reply(
        t._("If you also want me to forget what you told this bot:"),
        (Option("intent:delete_data", t._("Delete my data in this bot")),),
    )
