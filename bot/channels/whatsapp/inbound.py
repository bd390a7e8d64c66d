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

from bot.core.domain import Incoming, InputKind, Picture

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
OBJECT = "whatsapp_business_account"
# Message types that need no answer: service messages, a reaction to a message, a deletion
# ("revoke"); everything else the bot cannot read is "please send text".
_IGNORED = {"system", "request_welcome", "ephemeral", "reaction", "revoke"}
# WhatsApp's message types -> what the participant sent (bot.core.domain.MEDIA).
_MEDIA = {
    "audio": "voice",
    "voice": "voice",
    "sticker": "sticker",
    "location": "location",
    "contacts": "contact",
    "image": "photo",
    "video": "video",
    "document": "document",
}


def media_of(message: Mapping[str, Any]) -> str:
    """What a message other than text is; an edit is what its new version is."""
    body = message.get("edit")
    if message.get("type") == "edit" and isinstance(body, Mapping):
        edited = body.get("message")
        if isinstance(edited, Mapping):
            return _MEDIA.get(str(edited.get("type")), "other")
    return _MEDIA.get(str(message.get("type")), "other")


def is_forwarded(message: Mapping[str, Any]) -> bool:
    """`context.forwarded` or `context.frequently_forwarded` (forwarded five times or more)."""
    context = message.get("context")
    if not isinstance(context, Mapping):
        return False
    return context.get("forwarded") is True or context.get("frequently_forwarded") is True


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
    media_id: str | None = None  # an IMAGE's media id (the bytes are fetched separately)
    forwarded: bool = False  # context.forwarded / context.frequently_forwarded
    media: str | None = None  # what an UNSUPPORTED message was (bot.core.domain.MEDIA)

    @property
    def phone(self) -> str | None:
        """The phone number in E.164, when WhatsApp shared it."""
        return f"+{self.wa_id}" if self.wa_id and self.wa_id.isdigit() else None

    def incoming(self, picture: Picture | None = None) -> Incoming:
        """The channel-neutral message for the engine (an IMAGE with what was read in it)."""
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
            picture=picture,
            forwarded=self.forwarded,
            media=self.media,
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


@dataclass(frozen=True)
class NumberChange:
    """A `user_changed_number` system message: the participant now writes from a new number."""

    wamid: str
    old_ids: tuple[str, ...]  # the old WhatsApp id and, when given, the old business-scoped id
    new_wa_id: str | None
    new_user_id: str | None


@dataclass
class WebhookBatch:
    """Everything one webhook POST carried, in order."""

    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    number_changes: list[NumberChange] = field(default_factory=list)
    skipped: int = 0  # malformed messages or statuses left out


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


def _content(
    message: Mapping[str, Any], depth: int = 0
) -> tuple[InputKind, str, str | None] | None:
    """(kind, text, choice) for a message; None for service messages that need no answer.
    An edit ("edit", the new version in `edit.message`) is taken as a new message."""
    kind = message.get("type")
    if kind in _IGNORED:
        return None
    body = message.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, Mapping) else {}
    if kind == "edit":
        edited = body.get("message")
        if depth == 0 and isinstance(edited, Mapping):
            if "type" not in edited:  # some versions omit it: the content key tells
                found = next((k for k in ("text", "image", "video") if k in edited), None)
                edited = {**edited, "type": found}
            return _content(edited, depth + 1)
        return InputKind.UNSUPPORTED, "", None
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


def _image(message: Mapping[str, Any]) -> tuple[str, str] | None:
    """(media id, caption) of an image, or of an image sent as a document."""
    kind = message.get("type")
    body = message.get(kind) if isinstance(kind, str) else None
    if not isinstance(body, Mapping):
        return None
    mime = str(body.get("mime_type") or "")
    if kind == "image" or (kind == "document" and mime.startswith("image/")):
        media_id = _str(body.get("id"))
        if media_id is not None:
            return media_id, str(body.get("caption") or "")
    return None


def _message(
    message: Mapping[str, Any], contacts: list[Mapping[str, Any]]
) -> InboundMessage | None:
    """The sender is the message's own `from` / `from_user_id`: a contact is only used to add
    the other id of that same sender, never to stand in for a missing one."""
    wamid = _str(message.get("id"))
    if wamid is None or message.get("group_id"):
        return None
    wa_id = _str(message.get("from"))
    bsuid = _str(message.get("from_user_id")) or _str(message.get("user_id"))
    contact = next(
        (
            c
            for c in contacts
            if (wa_id and c.get("wa_id") == wa_id) or (bsuid and c.get("user_id") == bsuid)
        ),
        None,
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
    media_id = None
    if (image := _image(message)) is not None:
        kind, (media_id, text) = InputKind.IMAGE, image
    return InboundMessage(
        wamid=wamid,
        user_id=user_id,
        chat_id=wa_id or user_id,
        at=_moment(message.get("timestamp")),
        kind=kind,
        type=str(message.get("type"))[:40],
        text=text,
        choice=choice,
        wa_id=wa_id,
        bsuid=bsuid,
        media_id=media_id,
        forwarded=is_forwarded(message),
        media=media_of(message) if kind == InputKind.UNSUPPORTED else None,
    )


def _number_change(message: Mapping[str, Any]) -> NumberChange | None:
    system = message.get("system")
    if message.get("type") != "system" or not isinstance(system, Mapping):
        return None
    if system.get("type") not in (
        "user_changed_number",
        "customer_changed_number",
        "user_changed_user_id",
    ):
        return None
    wamid = _str(message.get("id")) or ""
    old = [
        _str(message.get("from")),
        _str(message.get("from_user_id")),
        _str(system.get("previous_user_id")),
    ]
    new_wa_id = _str(system.get("wa_id")) or _str(system.get("new_wa_id"))
    new_user_id = _str(system.get("user_id"))
    old_ids = tuple(i for i in old if i and i not in (new_wa_id, new_user_id))
    if not old_ids or not (new_wa_id or new_user_id):
        return None
    return NumberChange(wamid, old_ids, new_wa_id, new_user_id)


def _code(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


def _status(status: Mapping[str, Any]) -> StatusUpdate | None:
    wamid, state = _str(status.get("id")), _str(status.get("status"))
    if wamid is None or state is None:
        return None
    errors = tuple(
        (_code(e.get("code")), str(e.get("title") or e.get("message") or "")[:200])
        for e in _dicts(status.get("errors"))
    )
    recipient = _str(status.get("recipient_id")) or _str(status.get("recipient_user_id")) or ""
    return StatusUpdate(wamid, state, _moment(status.get("timestamp")), recipient, errors)


def parse_webhook(body: Any) -> WebhookBatch:
    """Every message and status in one webhook body (several entries and changes allowed).
    Only `object: whatsapp_business_account` is read (an Instagram or Page body is not
    WhatsApp); anything malformed is skipped per message or status, never raised."""
    batch = WebhookBatch()
    if not isinstance(body, Mapping) or body.get("object") != OBJECT:
        kind = body.get("object") if isinstance(body, Mapping) else type(body).__name__
        log.warning("whatsapp webhook for object %r ignored", str(kind)[:40])
        return batch
    for entry in _dicts(body.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field", "messages") != "messages" or not isinstance(value, Mapping):
                continue
            contacts = list(_dicts(value.get("contacts")))
            for raw in _dicts(value.get("messages")):
                try:
                    if (moved := _number_change(raw)) is not None:
                        batch.number_changes.append(moved)
                    elif (message := _message(raw, contacts)) is not None:
                        batch.messages.append(message)
                except Exception as exc:
                    batch.skipped += 1
                    log.warning("whatsapp message skipped: malformed (%s)", type(exc).__name__)
            for raw in _dicts(value.get("statuses")):
                try:
                    if (status := _status(raw)) is not None:
                        batch.statuses.append(status)
                except Exception as exc:
                    batch.skipped += 1
                    log.warning("whatsapp status skipped: malformed (%s)", type(exc).__name__)
    return batch
