"""The webhook route on the shared web server, and `prakerja-bot run` in webhook mode."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import open_app
from bot.channels.telegram.webhook import SECRET_HEADER, webhook_path, webhook_routes
from bot.clock import FakeClock
from bot.config import ConfigError, load_settings
from bot.runner import run_services
from bot.web import build_web_app
from tests.channels.telegram_support import TelegramDriver
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import text_json

SECRET = "s3cret-Token_1"
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client(tg: TelegramDriver) -> AsyncIterator[Client]:
    app = build_web_app(webhook_routes(tg.application, SECRET, "/telegram"))
    await tg.application.start()
    async with TestClient(TestServer(app)) as test_client:
        yield test_client
    await tg.application.stop()


async def test_healthz(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200 and (await response.json()) == {"status": "ok"}


@pytest.mark.parametrize(
    ("headers", "status"), [({}, 401), ({SECRET_HEADER: "wrong"}, 403), ({SECRET_HEADER: ""}, 403)]
)
async def test_missing_or_wrong_secret_rejected_and_not_processed(
    client: Client,
    tg: TelegramDriver,
    headers: dict[str, str],
    status: int,
) -> None:
    response = await client.post("/telegram", json=text_json("/start"), headers=headers)
    assert response.status == status
    await asyncio.sleep(0.05)  # would the update have been processed, it would be by now
    assert tg.application.update_queue.empty()
    assert tg.state.of("sendMessage") == []


async def test_valid_secret_processed(client: Client, tg: TelegramDriver) -> None:
    response = await client.post(
        "/telegram", json=text_json("/start"), headers={SECRET_HEADER: SECRET}
    )
    assert response.status == 200
    await tg.state.wait_sent(42, 2)
    assert "bukan layanan resmi" in tg.state.texts(42)[0]


async def test_garbage_body_is_400(client: Client, tg: TelegramDriver) -> None:
    response = await client.post("/telegram", data=b"{not json", headers={SECRET_HEADER: SECRET})
    assert response.status == 400


def test_webhook_path_from_url() -> None:
    assert webhook_path("https://bot.example.org/tg/hook") == "/tg/hook"
    assert webhook_path("https://bot.example.org") == "/telegram"


def test_webhook_url_without_secret_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET is required"):
        load_settings(telegram_bot_token=TOKEN, telegram_webhook_url="https://x.example/tg")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_run_in_webhook_mode_end_to_end(tmp_path: Path, clock: FakeClock) -> None:
    """`prakerja-bot run` with a token and a webhook URL, against a loopback fake Bot API."""
    port = _free_port()
    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            telegram_bot_token=TOKEN,
            telegram_webhook_url="https://bot.example.org/tg",
            telegram_webhook_secret=SECRET,
            telegram_base_url=api.base_url,
            web_listen=f"127.0.0.1:{port}",
        )
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, clock) as app:
            running = asyncio.create_task(run_services(app, stopped))
            await api.state.wait_called("setWebhook")
            (hook,) = api.state.of("setWebhook")
            assert hook["url"] == "https://bot.example.org/tg"
            assert hook["secret_token"] == SECRET
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{port}/tg"
                async with http.post(url, json=text_json("/start", user_id=7)) as response:
                    assert response.status == 401
                headers = {SECRET_HEADER: SECRET}
                async with http.post(url, json=text_json("/start", user_id=7), headers=headers):
                    pass
                await api.state.wait_sent(7, 2)
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
            stopped.set_result(None)
            await running
        assert [m for m in api.state.methods() if m != "sendMessage"] == [
            "getMe",
            "setMyCommands",
            "setMyCommands",
            "setWebhook",
        ]
        assert api.state.unexpected == []


async def test_run_in_polling_mode_end_to_end(tmp_path: Path, clock: FakeClock) -> None:
    """Without a webhook URL the bot long-polls; the web server still offers /healthz."""
    port = _free_port()
    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            telegram_bot_token=TOKEN,
            telegram_base_url=api.base_url,
            web_listen=f"127.0.0.1:{port}",
        )
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, clock) as app:
            running = asyncio.create_task(run_services(app, stopped))
            await api.state.wait_called("getUpdates")
            api.state.updates.append(text_json("/start", user_id=8))
            await api.state.wait_sent(8, 2)
            stopped.set_result(None)
            await running
        assert "setWebhook" not in api.state.methods()
        assert "deleteWebhook" in api.state.methods()
        assert api.state.unexpected == []
