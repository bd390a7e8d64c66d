"""Domain replies as Telegram messages: HTML text, inline keyboards, 4,096-character parts."""

from __future__ import annotations

import hashlib
import html
import json
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.core.domain import Option, Reply

MAX_TEXT = 4096  # Telegram's limit for one message's text
MAX_CALLBACK_DATA = 64  # bytes


class CallbackIds:
    """Keeps option ids within Telegram's 64-byte callback_data, mapping long ones back.

    Short ids (all of today's) travel as they are. A longer id travels as `#` + a hash; the
    mapping lives in memory, so after a restart such an old button gets "menu outdated".
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._long: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity

    def encode(self, option_id: str) -> str:
        if len(option_id.encode()) <= MAX_CALLBACK_DATA and not option_id.startswith("#"):
            return option_id
        data = "#" + hashlib.sha256(option_id.encode()).hexdigest()[:40]
        self._long[data] = option_id
        self._long.move_to_end(data)
        while len(self._long) > self._capacity:
            self._long.popitem(last=False)
        return data

    def decode(self, data: str) -> str:
        if data.startswith("#"):
            return self._long.get(data, data)
        return data


def _size(text: str) -> int:
    """Telegram counts UTF-16 code units; the escaped length bounds the visible one."""
    return len(html.escape(text, quote=False).encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> list[str]:
    """Raw text in pieces whose HTML-escaped size is at most `limit`, cut at the largest
    boundary that fits: paragraph, then line, then word, then character."""
    if _size(text) <= limit:
        return [text]
    for separator in ("\n\n", "\n", " "):
        pieces = text.split(separator)
        if len(pieces) == 1:
            continue
        parts: list[str] = []
        current = ""
        for piece in pieces:
            candidate = piece if not current else current + separator + piece
            if _size(candidate) <= limit:
                current = candidate
                continue
            if current:
                parts.append(current)
            current = piece
        parts.append(current)
        return [cut for part in parts for cut in _cut(part, limit)]
    middle = len(text) // 2
    return _cut(text[:middle], limit) + _cut(text[middle:], limit)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """The reply's text as escaped HTML parts of at most `limit` characters."""
    return [html.escape(part, quote=False) for part in _cut(text, limit) if part.strip()] or [
        html.escape(text, quote=False)
    ]


def keyboard(options: tuple[Option, ...], ids: CallbackIds) -> InlineKeyboardMarkup:
    """One button per row (labels are sentences), callback_data = the option id."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(o.label, callback_data=ids.encode(o.id))] for o in options]
    )


@dataclass(frozen=True)
class Markup:
    """A keyboard as the Bot API's JSON object, and that object serialised once."""

    data: dict[str, Any]
    json: str


def _markup(telegram_object: InlineKeyboardMarkup | ReplyKeyboardMarkup) -> Markup:
    data = telegram_object.to_dict()
    return Markup(data, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


@lru_cache(maxsize=4096)
def _inline_markup(buttons: tuple[tuple[str, str], ...]) -> Markup:
    return _markup(
        InlineKeyboardMarkup(
            [[InlineKeyboardButton(label, callback_data=data)] for label, data in buttons]
        )
    )


@lru_cache(maxsize=16)
def _contact_markup(label: str) -> Markup:
    return _markup(
        ReplyKeyboardMarkup(
            [[KeyboardButton(label, request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    )


def inline_markup(options: tuple[Option, ...], ids: CallbackIds) -> Markup:
    """`keyboard()` as JSON, built once per distinct menu (menus repeat: labels per locale).

    The ids are encoded on every call, so a long id's mapping stays fresh in `ids`."""
    return _inline_markup(tuple((o.label, ids.encode(o.id)) for o in options))


@dataclass(frozen=True)
class Message:
    """The arguments of one sendMessage call."""

    text: str
    markup: Markup | None = None

    def params(self, chat_id: str) -> dict[str, Any]:
        """The sendMessage parameters as the Bot API's JSON (for a webhook answer)."""
        params: dict[str, Any] = {"chat_id": chat_id, "text": self.text, "parse_mode": "HTML"}
        if self.markup is not None:
            params["reply_markup"] = self.markup.data
        return params


def messages(reply: Reply, ids: CallbackIds, contact_label: str) -> list[Message]:
    """One reply as sendMessage calls; its buttons go on the last part."""
    parts = split_text(reply.text)
    markup: Markup | None = None
    if reply.request_contact:
        markup = _contact_markup(contact_label)
    elif reply.options:
        markup = inline_markup(reply.options, ids)
    return [Message(p, markup if i == len(parts) - 1 else None) for i, p in enumerate(parts)]
