"""The types of the update fields the bot reads, checked on the raw JSON before
python-telegram-bot builds objects from it (its `de_json` trusts the types it is given, so a
list where an id belongs would fail much later, inside a handler); and the kinds of update the
bot ignores (`unhandled`)."""

from __future__ import annotations

from typing import Any

from telegram import Update

_INTEGER = frozenset({"update_id", "message_id", "date", "user_id", "edit_date"})
_PEOPLE = frozenset({"chat", "from", "user", "sender_chat"})  # their "id" is an integer
_TEXT = frozenset(
    {
        "text",
        "data",
        "caption",
        "phone_number",
        "language_code",
        "username",
        "first_name",
        "last_name",
        "status",
        "title",
    }
)
_OBJECT = frozenset(
    {
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
        "chat_member",
        "contact",
        "chat",
        "from",
        "sender_chat",
        "new_chat_member",
        "old_chat_member",
        "user",
        "forward_origin",
        "reply_to_message",
        "business_message",
        "channel_post",
    }
)
_LIST = frozenset({"entities", "caption_entities", "photo", "new_chat_members"})
_MESSAGE = ("chat", "message_id")
_REQUIRED = {
    "chat": ("id", "type"),
    "from": ("id",),
    "user": ("id",),
    "message": _MESSAGE,
    "edited_message": _MESSAGE,
    "channel_post": _MESSAGE,
    "business_message": _MESSAGE,
    "callback_query": ("id", "from"),
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def problem(value: Any, where: str = "update") -> str | None:
    """The first field whose type the bot could not use, as a path ("message.chat.id"), or
    None when every field it reads has the type the Bot API documents."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = problem(item, f"{where}[{index}]")
            if found:
                return found
        return None
    if not isinstance(value, dict):
        return None
    for key, child in value.items():
        path = f"{where}.{key}"
        if child is None:
            continue
        if (
            (key in _INTEGER and not _is_int(child))
            or (key in _TEXT and not isinstance(child, str))
            or (key in _OBJECT and not isinstance(child, dict))
            or (key in _LIST and not isinstance(child, list))
        ):
            return path
        for needed in _REQUIRED.get(key, ()):
            if child.get(needed) is None:
                return f"{path}.{needed}"
        if key in _PEOPLE and not _is_int(child.get("id")):
            return f"{path}.id"
        if key == "chat" and not isinstance(child.get("type"), str):
            return f"{path}.type"
        found = problem(child, path)
        if found:
            return found
    return None


_HANDLED = ("message", "callback_query", "my_chat_member")


def update_kind(update: Update) -> str:
    """The update's type: the field it carries (for an unknown one, its first unknown key)."""
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return str(kind)
    extra = [key for key in update.api_kwargs if key != "update_id"]
    return str(extra[0])[:40] if extra else "empty"


def unhandled(update: Update) -> str | None:
    """Why the bot ignores this update, or None when a handler takes it."""
    kind = update_kind(update)
    if kind not in _HANDLED:
        return kind
    message = update.message
    if message is not None and message.from_user is None and message.chat.type == "private":
        return "message without from"
    if message is not None and message.from_user is not None and message.from_user.is_bot:
        return "message from a bot"
    return None
