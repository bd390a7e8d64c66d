"""Black box: `prakerja-bot run` with a clock just before the H-7 reminder of a wave-22
participant, through the webhook and the loopback fake Bot API; the reminder arrives."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import aiohttp

from bot.app.runner import run_services
from bot.app.wiring import open_app
from bot.channels.telegram.webhook import SECRET_HEADER
from bot.core.clock import ShiftedClock
from bot.core.config import load_settings
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import text_json
from tests.helpers import free_port

SECRET = "s3cret-Token_1"


async def test_h7_reminder_arrives_through_telegram(tmp_path: Path) -> None:
    port = free_port()
    # The participant onboards a few seconds before 09:00 WIB on 23 November 2021 (H-7).
    clock = ShiftedClock(datetime.fromisoformat("2021-11-23T08:59:57+07:00"))
    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            telegram_bot_token=TOKEN,
            telegram_webhook_url="https://bot.example.org/tg",
            telegram_webhook_secret=SECRET,
            telegram_base_url=api.base_url,
            web_listen=f"127.0.0.1:{port}",
            outbox_interval=0.5,
        )
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, clock) as app:
            running = asyncio.create_task(run_services(app, stopped))
            await api.state.wait_called("setWebhook")
            async with aiohttp.ClientSession() as http:
                for text in ("/start", "22", "WIB"):
                    before = api.state.sent["7"]
                    async with http.post(
                        f"http://127.0.0.1:{port}/tg",
                        json=text_json(text, 7),
                        headers={SECRET_HEADER: SECRET},
                    ) as response:
                        assert response.status == 200
                        # the reply's last message may come back as the webhook answer
                        api.state.webhook_answered(response.content_type, await response.read())
                    await api.state.wait_sent(7, before + 1)
                    await asyncio.sleep(0.2)  # let the whole reply go out
                onboarded = api.state.sent["7"]
                assert "30 November 2021" in "\n".join(api.state.texts(7))
                await api.state.wait_sent(7, onboarded + 1, seconds=15)
            stopped.set_result(None)
            await running
    reminder = api.state.of("sendMessage")[-1]
    assert "⏰ Pengingat" in reminder["text"]
    assert "7 hari lagi" in reminder["text"]
    buttons = [b["text"] for row in reminder["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Aku sudah beli", "Cara beli pelatihan"]
