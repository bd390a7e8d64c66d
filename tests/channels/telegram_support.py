"""A driver around the real python-telegram-bot Application, and what it sent."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.channels.telegram.inbound import TelegramChannel
from bot.channels.telegram.runtime import TelegramApplication
from tests.fakes.bot_api import BotApiState
from tests.fakes.telegram_updates import callback_json, text_json


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
