"""The two kinds most webhook updates are, read straight from the JSON: a text message and a
button pressed, both in a private chat from a person.

python-telegram-bot builds ~100 frozen attributes per `Message` (`Update.de_json` was 15 % of
the bot's CPU in bench/telegram_inbound.py). An update of exactly the shape below becomes a
`LightUpdate` instead, handled by the channel like the `Update` it would have been; anything
else (another field, a type or value python-telegram-bot might read differently) is left to
python-telegram-bot as before, so accepting less is always safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The fields of a text message read here (the date is only checked); a forwarded message, a
# reply, a caption... go to python-telegram-bot.
_MESSAGE = frozenset({"message_id", "from", "chat", "date", "text", "entities"})
_USER = frozenset({"id", "is_bot", "first_name", "last_name", "username", "language_code"})
_USER_EXTRA = frozenset({"is_premium", "added_to_attachment_menu"})  # booleans
_CHAT = frozenset({"id", "type", "first_name", "last_name", "username"})
_ENTITY = frozenset({"type", "offset", "length"})
_QUERY = frozenset({"id", "from", "message", "chat_instance", "data"})
_BUTTON = frozenset({"text", "callback_data"})  # a button the bot sent
_SHOWN = _MESSAGE | {"reply_markup", "edit_date"}
_LAST_DATE = 2**32  # Unix seconds python-telegram-bot turns into a datetime without fail


@dataclass(frozen=True, slots=True)
class LightUpdate:
    """A private text message (`text`) or a button press (`data`, `query_id`)."""

    update_id: int
    user_id: int
    chat_id: int
    language_code: str | None
    message_id: int
    text: str | None = None
    data: str | None = None
    query_id: str | None = None


def _int(value: object) -> bool:
    return type(value) is int


def _str(value: object) -> bool:
    return type(value) is str


def _names(value: dict[str, Any], keys: frozenset[str]) -> bool:
    return all(_str(value[k]) for k in keys if k in value and k not in ("id", "is_bot", "type"))


def _person(value: object, bot: bool = False) -> bool:
    """A user python-telegram-bot reads without fail, a person (or the bot itself)."""
    if type(value) is not dict or not _int(value.get("id")) or "first_name" not in value:
        return False
    if value.get("is_bot") is not bot or not value.keys() <= _USER | _USER_EXTRA:
        return False
    return _names(value, _USER) and all(type(value[k]) is bool for k in _USER_EXTRA & value.keys())


def _private(value: object) -> bool:
    if type(value) is not dict or value.get("type") != "private" or not _int(value.get("id")):
        return False
    return value.keys() <= _CHAT and _names(value, _CHAT)


def _entities(value: object) -> bool:
    return type(value) is list and all(
        type(e) is dict
        and e.keys() == _ENTITY
        and _str(e["type"])
        and _int(e["offset"])
        and _int(e["length"])
        for e in value
    )


def _date(value: object) -> bool:
    return _int(value) and 0 < value < _LAST_DATE  # type: ignore[operator]


def _keyboard(value: object) -> bool:
    if type(value) is not dict or value.keys() != {"inline_keyboard"}:
        return False
    rows = value["inline_keyboard"]
    return type(rows) is list and all(
        type(row) is list
        and all(
            type(b) is dict
            and b.keys() == _BUTTON
            and _str(b["text"])
            and _str(b["callback_data"])
            for b in row
        )
        for row in rows
    )


def _text_message(m: dict[str, Any]) -> bool:
    if not m.keys() <= _MESSAGE or not _int(m.get("message_id")) or not _date(m.get("date")):
        return False
    if not _person(m.get("from")) or not _private(m.get("chat")):
        return False
    text = m.get("text")
    return _str(text) and bool(text) and ("entities" not in m or _entities(m["entities"]))


def _shown_message(m: object) -> bool:
    """The bot's own message a button was on (as Telegram sends it back with the press)."""
    if type(m) is not dict or not m.keys() <= _SHOWN or not _int(m.get("message_id")):
        return False
    if not _date(m.get("date")) or not _person(m.get("from"), bot=True):
        return False
    if not _private(m.get("chat")) or not _str(m.get("text", "")):
        return False
    if "entities" in m and not _entities(m["entities"]):
        return False
    if "edit_date" in m and not _date(m["edit_date"]):
        return False
    return "reply_markup" not in m or _keyboard(m["reply_markup"])


def light_update(data: dict[str, Any]) -> LightUpdate | None:
    """The update as a `LightUpdate`, or None to leave it to python-telegram-bot."""
    update_id = data.get("update_id")
    if len(data) != 2 or not _int(update_id):
        return None
    message = data.get("message")
    if type(message) is dict:
        if not _text_message(message):
            return None
        user = message["from"]
        return LightUpdate(
            update_id=update_id,  # type: ignore[arg-type]
            user_id=user["id"],
            chat_id=message["chat"]["id"],
            language_code=user.get("language_code"),
            message_id=message["message_id"],
            text=message["text"],
        )
    query = data.get("callback_query")
    if type(query) is not dict or not query.keys() <= _QUERY:
        return None
    shown = query.get("message")
    if not _str(query.get("id")) or not _str(query.get("data")):
        return None
    if not _str(query.get("chat_instance")) or not _person(query.get("from")):
        return None
    if not _shown_message(shown):
        return None
    user = query["from"]
    return LightUpdate(
        update_id=update_id,  # type: ignore[arg-type]
        user_id=user["id"],
        chat_id=shown["chat"]["id"],  # type: ignore[index]
        language_code=user.get("language_code"),
        message_id=shown["message_id"],  # type: ignore[index]
        data=query["data"],
        query_id=query["id"],
    )
