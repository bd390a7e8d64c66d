"""`prakerja-bot run`'s event loop: uvloop for the server, asyncio's own for the terminal chat."""

from __future__ import annotations

import asyncio

import uvloop

from bot.app.runner import loop_factory
from bot.core.config import load_settings
from tests.fakes.bot_api import TOKEN


def test_server_runs_on_uvloop_terminal_chat_on_asyncio() -> None:
    assert loop_factory(load_settings()) is None
    factory = loop_factory(load_settings(telegram_bot_token=TOKEN))
    assert factory is uvloop.new_event_loop
    loop = factory()
    try:
        assert isinstance(loop, asyncio.AbstractEventLoop)
    finally:
        loop.close()
