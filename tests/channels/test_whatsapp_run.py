"""`prakerja-bot run` with WhatsApp configured: the webhook on the one web server, end to end."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.app.runner import channels_configured, run_services
from bot.app.wiring import open_app
from bot.core.clock import FakeClock
from bot.core.config import load_settings
from tests.channels.whatsapp_support import (
    APP_SECRET,
    BUDI,
    PHONE_NUMBER_ID,
    TOKEN,
    VERIFY_TOKEN,
    envelope,
    signed,
    text,
    value,
)
from tests.fakes.graph_api import FakeGraphApi
from tests.helpers import free_port


async def test_run_serves_the_whatsapp_webhook(tmp_path: Path, clock: FakeClock) -> None:
    port = free_port()
    async with FakeGraphApi(PHONE_NUMBER_ID, TOKEN) as graph:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            whatsapp_token=TOKEN,
            whatsapp_phone_number_id=PHONE_NUMBER_ID,
            whatsapp_app_secret=APP_SECRET,
            whatsapp_verify_token=VERIFY_TOKEN,
            whatsapp_api_base_url=graph.base_url,
            web_listen=f"127.0.0.1:{port}",
        )
        assert channels_configured(settings)
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, clock) as app:
            running = asyncio.create_task(run_services(app, stopped))
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as http:
                for _ in range(200):  # wait for the server to listen
                    try:
                        async with http.get(f"{base}/healthz") as response:
                            if response.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.02)
                query = {
                    "hub.mode": "subscribe",
                    "hub.verify_token": VERIFY_TOKEN,
                    "hub.challenge": "42",
                }
                async with http.get(f"{base}/whatsapp", params=query) as response:
                    assert (response.status, await response.text()) == (200, "42")
                raw, headers = signed(envelope(value(text("/start"))))
                async with http.post(f"{base}/whatsapp", data=raw, headers=headers) as response:
                    assert response.status == 200
                stopped.set_result(None)
                await running  # closing drains the background work first
        assert graph.to(BUDI)
        assert "bukan layanan resmi" in graph.to(BUDI)[0]["text"]["body"]
