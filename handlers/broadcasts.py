"""Operators' broadcasts (outbox kind `broadcast`): the message in the participant's language,
left out once they stopped reminders unless it is a program notice."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.context import Context
from bot.core.domain import Participant, Reply
from handlers.notices import Notice, Payload

KIND = "broadcast"


def render(ctx: Context, payload: Payload) -> list[Reply]:
    """The operator's text; the English one for English-speaking participants when given."""
    text = payload.get("text_en") if ctx.t.locale == "en" else None
    return [Reply(str(text or payload.get("text", "")))]


def applies(participant: Participant, payload: Payload, now: datetime) -> bool:
    """A program notice always goes out; anything else only while reminders are on."""
    return bool(payload.get("notice")) or participant.reminders_enabled


NOTICES = {KIND: Notice(render=render, applies=applies)}
