"""Black box: `prakerja-bot run` with Telegram serves the console under /console/ on the one
web server; a participant asks for a person over the webhook, an agent answers through the
JSON route, and the answer arrives on Telegram through the outbox."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.app.runner import run_services
from bot.app.wiring import open_app
from bot.channels.telegram.webhook import SECRET_HEADER
from bot.core.clock import ShiftedClock
from bot.core.config import load_settings
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import text_json
from tests.helpers import WIB_START, free_port

SECRET = "s3cret-Token_1"
ADMIN = "admin-token-for-the-served-test-123"


async def test_console_and_handoff_on_the_bots_server(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            telegram_bot_token=TOKEN,
            telegram_webhook_url="https://bot.example.org/tg",
            telegram_webhook_secret=SECRET,
            telegram_base_url=api.base_url,
            web_listen=f"127.0.0.1:{port}",
            outbox_interval=0.3,
            admin_api_token=ADMIN,
            handoff_hours="Senin–Jumat 08.00–17.00 WIB",
        )
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, ShiftedClock(WIB_START)) as app:
            running = asyncio.create_task(run_services(app, stopped))
            await api.state.wait_called("setWebhook")
            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/console/login") as response:
                    assert response.status == 200
                    assert "Masuk" in await response.text()
                for text in ("/start", "22", "WIB", "mau ngomong sama admin aja"):
                    before = api.state.sent["7"]
                    async with http.post(
                        f"{base}/tg", json=text_json(text, 7), headers={SECRET_HEADER: SECRET}
                    ) as response:
                        assert response.status == 200
                        api.state.webhook_answered(response.content_type, await response.read())
                    await api.state.wait_sent(7, before + 1)
                    await asyncio.sleep(0.2)
                assert "Senin–Jumat 08.00–17.00 WIB" in "\n".join(api.state.texts(7))
                auth = {"Authorization": f"Bearer {ADMIN}"}
                async with http.get(f"{base}/admin/handoffs", headers=auth) as response:
                    handoffs = await response.json()
                assert len(handoffs) == 1 and handoffs[0]["channel"] == "telegram"
                before = api.state.sent["7"]
                async with http.post(
                    f"{base}/admin/handoffs/{handoffs[0]['id']}/reply",
                    json={"text": "Halo, ini Sari dari tim."},
                    headers=auth,
                ) as response:
                    assert response.status == 200
                await api.state.wait_sent(7, before + 1, seconds=10)
                assert "Halo, ini Sari dari tim." in api.state.texts(7)[-1]
            stopped.set_result(None)
            await running
