"""Bot API update JSON factories and a driver around the real python-telegram-bot Application."""

from __future__ import annotations

import itertools
from typing import Any

from telegram import Update

from bot.channels.telegram.inbound import TelegramChannel
from bot.channels.telegram.runtime import TelegramApplication
from tests.fakes.bot_api import BotApiState

_ids = itertools.count(1000)


def user_json(user_id: int = 42, language_code: str | None = "id") -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Budi"}
    if language_code:
        user["language_code"] = language_code
    return user


def chat_json(chat_id: int = 42, chat_type: str = "private") -> dict[str, Any]:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": "Budi"}
    return {"id": chat_id, "type": chat_type, "title": "Grup Prakerja"}


def message_json(
    user_id: int = 42,
    chat_id: int | None = None,
    chat_type: str = "private",
    language_code: str | None = "id",
    **content: Any,
) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": 1637377200,
            "chat": chat_json(user_id if chat_id is None else chat_id, chat_type),
            "from": user_json(user_id, language_code),
            **content,
        },
    }


def text_json(text: str, user_id: int = 42, **kw: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return message_json(user_id, **kw, **content)


def callback_json(data: str, user_id: int = 42, language_code: str = "id") -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": f"cq{next(_ids)}",
            "from": user_json(user_id, language_code),
            "chat_instance": "-77",
            "data": data,
            "message": {
                "message_id": 1,
                "date": 1637377200,
                "chat": chat_json(user_id),
                "from": {"id": 123456, "is_bot": True, "first_name": "Prakerja Bot"},
                "text": "an old menu",
            },
        },
    }


def my_chat_member_json(status: str, user_id: int = 42) -> dict[str, Any]:
    bot = {"id": 123456, "is_bot": True, "first_name": "Prakerja Bot"}
    old_status = "member" if status == "kicked" else "kicked"

    def member(state: str) -> dict[str, Any]:
        extra = {"until_date": 0} if state == "kicked" else {}
        return {"user": bot, "status": state, **extra}

    return {
        "update_id": next(_ids),
        "my_chat_member": {
            "chat": chat_json(user_id),
            "from": user_json(user_id),
            "date": 1637377200,
            "old_chat_member": member(old_status),
            "new_chat_member": member(status),
        },
    }


class TelegramDriver:
    """Feeds Bot API JSON through `Application.process_update` and reads what was sent."""

    def __init__(
        self, application: TelegramApplication, channel: TelegramChannel, state: BotApiState
    ) -> None:
        self.application = application
        self.channel = channel
        self.state = state

    def update(self, data: dict[str, Any]) -> Update:
        update = Update.de_json(data, self.application.bot)
        assert update is not None
        return update

    async def feed(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Processes one update; returns the sendMessage calls it caused."""
        before = len(self.state.of("sendMessage"))
        await self.application.process_update(self.update(data))
        return self.state.of("sendMessage")[before:]

    async def send(self, text: str, user_id: int = 42, **kw: Any) -> list[dict[str, Any]]:
        return await self.feed(text_json(text, user_id, **kw))

    async def press(self, data: str, user_id: int = 42, **kw: Any) -> list[dict[str, Any]]:
        return await self.feed(callback_json(data, user_id, **kw))


def buttons(sent: list[dict[str, Any]]) -> list[str]:
    """The callback_data of every inline button in these sendMessage calls."""
    return [
        button["callback_data"]
        for params in sent
        for row in params.get("reply_markup", {}).get("inline_keyboard", [])
        for button in row
    ]


def joined(sent: list[dict[str, Any]]) -> str:
    return "\n".join(p["text"] for p in sent)
