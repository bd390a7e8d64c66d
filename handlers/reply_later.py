"""A participant's reply that could not go out at once (rate limits, network): kept in the
outbox as kind "reply" and sent by the delivery job; stores nothing else, asks nothing next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.conversation.context import Context
from bot.core.domain import Option, Participant, Reply
from bot.outbox.notices import REPLY_KIND
from handlers.notices import Notice, Payload

KIND = REPLY_KIND


def payload_of(replies: list[Reply]) -> dict[str, Any]:
    """The replies as outbox JSON (already worded in the participant's language)."""
    return {
        "replies": [
            {
                "text": r.text,
                "options": [[o.id, o.label] for o in r.options],
                "request_contact": r.request_contact,
            }
            for r in replies
        ]
    }


def _render(ctx: Context, payload: Payload) -> list[Reply]:
    """The stored replies, as they were worded when the participant asked."""
    return [
        Reply(
            str(r["text"]),
            tuple(Option(str(i), str(label)) for i, label in r.get("options", [])),
            bool(r.get("request_contact", False)),
        )
        for r in payload.get("replies", [])
    ]


def _applies(participant: Participant, payload: Payload, now: datetime) -> bool:
    return True  # the participant asked; deleted participants' rows are gone with them


NOTICES = {KIND: Notice(_render, _applies, quiet=False)}
