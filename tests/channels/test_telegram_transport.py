"""The aiohttp transport under python-telegram-bot: its errors never carry the bot token."""

from __future__ import annotations

import traceback

import pytest
from telegram.error import NetworkError

from bot.channels.telegram.aiohttp_request import AiohttpRequest
from tests.helpers import free_port

TOKEN = "123456:SECRET-token-value"


async def test_network_error_does_not_quote_the_url() -> None:
    request = AiohttpRequest(connect_timeout=1.0)
    await request.initialize()
    try:
        url = f"http://127.0.0.1:{free_port()}:99/bot{TOKEN}/getMe"  # aiohttp: InvalidURL
        with pytest.raises(NetworkError) as caught:
            await request.do_request(url, "POST")
        shown = "".join(traceback.format_exception(caught.value))
        assert "SECRET" not in shown
    finally:
        await request.shutdown()
