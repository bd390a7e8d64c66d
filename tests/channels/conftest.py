"""The Telegram channel wired to the real python-telegram-bot stack and a recording transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram.inbound import TelegramChannel
from bot.channels.telegram.runtime import build_application
from bot.channels.telegram.sender import TelegramSender
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.channels.telegram_support import TelegramDriver
from tests.fakes.bot_api import TOKEN, BotApiState, RecordingRequest


@pytest.fixture
def bot_api() -> BotApiState:
    return BotApiState()


@pytest.fixture
def recording(bot_api: BotApiState) -> RecordingRequest:
    return RecordingRequest(bot_api)


@pytest.fixture
async def tg(
    engine: Engine, store: SqlStore, clock: FakeClock, recording: RecordingRequest
) -> AsyncIterator[TelegramDriver]:
    application = build_application(TOKEN, polling=False, request=recording)
    channel = TelegramChannel(engine, store, clock, TelegramSender(application.bot))
    channel.install(application)
    await application.initialize()
    yield TelegramDriver(application, channel, recording.state)
    await application.shutdown()
    assert recording.state.unexpected == [], "the bot called Bot API methods nobody expected"
