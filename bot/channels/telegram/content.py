"""What a Telegram message is beyond its text: forwarded or not, and the kind of media."""

from __future__ import annotations

from telegram import Message

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
