"""Reading the Cloud API's webhook payloads: participant messages and delivery statuses.

Pure functions over Meta's JSON (`object: whatsapp_business_account`, `entry[].changes[]
.value.{contacts,messages,statuses}`), so every payload shape is tested without a server.
A participant is keyed by their business-scoped user id (`user_id` / `from_user_id`) when
WhatsApp sends one, else by their WhatsApp id (`wa_id` / `from`, the phone number's digits).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.core.domain import Incoming, InputKind

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
# Message types the participant can answer with; everything else is "please send text".
_IGNORED = {"system", "request_welcome", "ephemeral"}


@dataclass(frozen=True)
class InboundMessage:
    """One participant message from a webhook, in the terms the engine needs."""

    wamid: str
    user_id: str  # the stable key: business-scoped user id if given, else the WhatsApp id
    chat_id: str  # where replies go: the WhatsApp id (phone digits) if known, else user_id
    at: datetime
    kind: InputKind
    type: str  # WhatsApp's message type, for logs
    text: str = ""
    choice: str | None = None
    wa_id: str | None = None
    bsuid: str | None = None

    @property
    def phone(self) -> str | None:
        """The phone number in E.164, when WhatsApp shared it."""
        return f"+{self.wa_id}" if self.wa_id and self.wa_id.isdigit() else None

    def incoming(self) -> Incoming:
        """The channel-neutral message for the engine."""
        return Incoming(
            channel=CHANNEL,
            user_id=self.user_id,
            chat_id=self.chat_id,
            at=self.at,
            kind=self.kind,
            text=self.text,
            choice=self.choice,
            phone=self.phone,
            message_id=self.wamid,
        )


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status for a message the bot sent: sent, delivered, read or failed."""

    wamid: str
    status: str
    at: datetime
    recipient: str
    errors: tuple[tuple[int, str], ...] = ()

    @property
    def error_code(self) -> int | None:
        return self.errors[0][0] if self.errors else None

    @property
    def error_title(self) -> str | None:
        return self.errors[0][1] if self.errors else None


@dataclass
class WebhookBatch:
    """Everything one webhook POST carried, in order."""

    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)


def _moment(value: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(UTC)


def _dicts(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, Mapping))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _content(message: Mapping[str, Any]) -> tuple[InputKind, str, str | None] | None:
    """(kind, text, choice) for a message; None for service messages that need no answer."""
    kind = message.get("type")
    if kind in _IGNORED:
        return None
    body = message.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, Mapping) else {}
    if kind == "text":
        return InputKind.TEXT, str(body.get("body") or ""), None
    if kind == "interactive":
        reply_type = body.get("type")
        reply = body.get(reply_type) if isinstance(reply_type, str) else None
        if reply_type in ("button_reply", "list_reply") and isinstance(reply, Mapping):
            choice = _str(reply.get("id"))
            if choice:
                return InputKind.CHOICE, str(reply.get("title") or ""), choice
    if kind == "button":  # a template's quick-reply button
        payload, text = _str(body.get("payload")), str(body.get("text") or "")
        if payload:
            return InputKind.CHOICE, text, payload
        return InputKind.TEXT, text, None
    return InputKind.UNSUPPORTED, "", None


def _message(
    message: Mapping[str, Any], contacts: list[Mapping[str, Any]]
) -> InboundMessage | None:
    wamid = _str(message.get("id"))
    if wamid is None or message.get("group_id"):
        return None
    wa_id = _str(message.get("from"))
    bsuid = _str(message.get("from_user_id"))
    contact = next(
        (
            c
            for c in contacts
            if (wa_id and c.get("wa_id") == wa_id) or (bsuid and c.get("user_id") == bsuid)
        ),
        contacts[0] if len(contacts) == 1 else None,
    )
    if contact is not None:
        wa_id = wa_id or _str(contact.get("wa_id"))
        bsuid = bsuid or _str(contact.get("user_id"))
    user_id = bsuid or wa_id
    if user_id is None:
        log.warning("whatsapp message %s has no sender id; ignored", wamid)
        return None
    content = _content(message)
    if content is None:
        return None
    kind, text, choice = content
    return InboundMessage(
        wamid=wamid,
        user_id=user_id,
        chat_id=wa_id or user_id,
        at=_moment(message.get("timestamp")),
        kind=kind,
        type=str(message.get("type")),
        text=text,
        choice=choice,
        wa_id=wa_id,
        bsuid=bsuid,
    )


def _status(status: Mapping[str, Any]) -> StatusUpdate | None:
    wamid, state = _str(status.get("id")), _str(status.get("status"))
    if wamid is None or state is None:
        return None
    errors = tuple(
        (int(e.get("code") or 0), str(e.get("title") or e.get("message") or ""))
        for e in _dicts(status.get("errors"))
    )
    recipient = _str(status.get("recipient_id")) or _str(status.get("recipient_user_id")) or ""
    return StatusUpdate(wamid, state, _moment(status.get("timestamp")), recipient, errors)


def parse_webhook(body: Any) -> WebhookBatch:
    """Every message and status in one webhook body (several entries and changes allowed);
    anything malformed is skipped, never raised."""
    batch = WebhookBatch()
    if not isinstance(body, Mapping):
        return batch
    for entry in _dicts(body.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field", "messages") != "messages" or not isinstance(value, Mapping):
                continue
            contacts = list(_dicts(value.get("contacts")))
            for raw in _dicts(value.get("messages")):
                if (message := _message(raw, contacts)) is not None:
                    batch.messages.append(message)
            for raw in _dicts(value.get("statuses")):
                if (status := _status(raw)) is not None:
                    batch.statuses.append(status)
    return batch
