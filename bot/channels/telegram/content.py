"""What a Telegram message is beyond its text (forwarded or not, the kind of media), and an
update as the engine's `Incoming`."""

from __future__ import annotations

from datetime import datetime

from telegram import Message, Update
from telegram.constants import ChatType

from bot.channels.telegram.light import LightUpdate
from bot.channels.telegram.sender import CHANNEL
from bot.core.domain import Incoming, InputKind, Picture

# Message fields -> what the participant sent (bot.core.domain.MEDIA), first match wins.
_MEDIA = (
    ("voice", "voice"),
    ("audio", "voice"),
    ("video_note", "video"),
    ("sticker", "sticker"),
    ("location", "location"),
    ("venue", "location"),
    ("contact", "contact"),
    ("photo", "photo"),
    ("video", "video"),
    ("animation", "video"),
    ("document", "document"),
)


def media_of(message: Message) -> str:
    """What a message other than text is: "voice", "sticker", "location"... ("other")."""
    return next((kind for field, kind in _MEDIA if getattr(message, field, None)), "other")


def forwarded(message: Message) -> bool:
    """Forwarded from someone else: `forward_origin` (Bot API 7.0+) or, from older servers,
    `forward_from`/`forward_from_chat`/`forward_sender_name`/`forward_date`."""
    if message.forward_origin is not None:
        return True
    old = ("forward_from", "forward_from_chat", "forward_sender_name", "forward_date")
    return any(key in message.api_kwargs for key in old)


def incoming(
    update: Update,
    at: datetime,
    kind: InputKind,
    *,
    text: str = "",
    choice: str | None = None,
    phone: str | None = None,
    contact_user_id: str | None = None,
    picture: Picture | None = None,
    media: str | None = None,
) -> Incoming:
    """The domain message of a python-telegram-bot update (from a user, in a chat)."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    message = update.effective_message
    return Incoming(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(chat.id),
        at=at,
        kind=kind,
        language_code=user.language_code,
        message_id=str(message.message_id) if message is not None else None,
        text=text,
        choice=choice,
        phone=phone,
        contact_user_id=contact_user_id,
        picture=picture,
        forwarded=forwarded(message) if message is not None else False,
        media=media,
    )


def light_incoming(
    update: LightUpdate, at: datetime, kind: InputKind, choice: str | None = None
) -> Incoming:
    """The domain message of a `LightUpdate`: what `incoming` makes of the same update."""
    return Incoming(
        channel=CHANNEL,
        user_id=str(update.user_id),
        chat_id=str(update.chat_id),
        at=at,
        kind=kind,
        language_code=update.language_code,
        message_id=str(update.message_id),
        text=update.text or "",
        choice=choice,
    )


def whose(
    update: Update | LightUpdate, *, private_only: bool = True
) -> tuple[str | None, str | None, str | None]:
    """(user id, chat id, language code) of an update; no ids for another chat than a private
    one when `private_only`."""
    if isinstance(update, LightUpdate):
        return str(update.user_id), str(update.chat_id), update.language_code
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or (private_only and chat.type != ChatType.PRIVATE):
        return None, None, user.language_code if user else None
    return str(user.id), str(chat.id), user.language_code
