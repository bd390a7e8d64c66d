"""The webhook route on the shared web server, and `prakerja-bot run` in webhook mode."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from telegram import Update

from bot.app.runner import run_services
from bot.app.web import build_web_app
from bot.app.wiring import open_app
from bot.channels.telegram.inbound import TelegramChannel
from bot.channels.telegram.ordering import OrderedUpdateProcessor
from bot.channels.telegram.runtime import TelegramApplication, build_application
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.webhook import (
    SECRET_HEADER,
    WebhookAnswers,
    webhook_path,
    webhook_routes,
)
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.config import ConfigError, load_settings
from bot.storage.store import SqlStore
from tests.channels.telegram_support import TelegramDriver
from tests.fakes.bot_api import TOKEN, BotApiState, FakeBotApi, RecordingRequest
from tests.fakes.telegram_updates import my_chat_member_json, text_json
from tests.helpers import free_port

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


@pytest.fixture
def recording_request(bot_api: BotApiState) -> RecordingRequest:
    return RecordingRequest(bot_api)


@pytest.fixture
def answers() -> WebhookAnswers:
    return WebhookAnswers()


@pytest.fixture
def answering_app(
    recording_request: RecordingRequest, answers: WebhookAnswers
) -> TelegramApplication:
    return build_application(TOKEN, polling=False, request=recording_request, answers=answers)


@pytest.fixture
async def answering(
    engine: Engine,
    store: SqlStore,
    clock: FakeClock,
    answering_app: TelegramApplication,
    answers: WebhookAnswers,
) -> AsyncIterator[Client]:
    """The webhook route as `run` wires it: each call answered with the reply's last message."""
    application = answering_app
    sender = TelegramSender(application.bot)
    TelegramChannel(engine, store, clock, sender, answers=answers).install(application)
    app = build_web_app(webhook_routes(application, SECRET, "/telegram", answers))
    await application.initialize()
    await application.start()
    async with TestClient(TestServer(app)) as test_client:
        yield test_client
    await application.stop()
    await application.shutdown()


async def test_webhook_answered_with_the_last_reply_in_order(
    answering: Client, bot_api: BotApiState, tg: TelegramDriver
) -> None:
    response = await answering.post(
        "/telegram", json=text_json("/start", user_id=7), headers={SECRET_HEADER: SECRET}
    )
    assert response.status == 200 and response.content_type == "application/json"
    # the first reply went out (and was confirmed) before the call was answered
    assert len(bot_api.texts(7)) == 1 and "bukan layanan resmi" in bot_api.texts(7)[0]
    answer = await response.json()
    assert answer["method"] == "sendMessage" and answer["chat_id"] == "7"
    assert answer["parse_mode"] == "HTML" and answer["reply_markup"]["inline_keyboard"]
    bot_api.webhook_answered(response.content_type, json.dumps(answer).encode())
    reference = await tg.send("/start", user_id=8)  # the same update without webhook answers
    assert bot_api.texts(7) == [params["text"] for params in reference]
    assert bot_api.of("sendMessage")[1]["reply_markup"] == reference[1]["reply_markup"]


async def test_webhook_call_without_a_reply_answered_ok(
    answering: Client, bot_api: BotApiState
) -> None:
    for update in (my_chat_member_json("kicked", user_id=9), text_json("hi", chat_type="group")):
        response = await answering.post("/telegram", json=update, headers={SECRET_HEADER: SECRET})
        assert response.status == 200 and await response.text() == "ok"
    assert len(bot_api.of("sendMessage")) == 1  # the group's one "private chats only" note


async def test_no_webhook_answer_while_the_same_user_has_updates_waiting(
    answering: Client,
    answering_app: TelegramApplication,
    recording_request: RecordingRequest,
    bot_api: BotApiState,
    tg: TelegramDriver,
) -> None:
    """Telegram runs a webhook answer after the call ends: a later update's replies must not
    overtake it, so with updates queued behind, every message is sent (and confirmed) itself."""
    first, second = text_json("/start", user_id=7), text_json("/bantuan", user_id=7)
    release = asyncio.Event()
    recording_request.holds.append(("sendMessage", lambda params: True, release))
    headers = {SECRET_HEADER: SECRET}
    calls = [
        asyncio.create_task(answering.post("/telegram", json=update, headers=headers))
        for update in (first, second)
    ]
    processor = answering_app.update_processor
    assert isinstance(processor, OrderedUpdateProcessor)
    for _ in range(2000):  # until the second update waits behind the first (held) one
        if processor.queued_behind(tg.update(first)):
            break
        await asyncio.sleep(0.001)
    assert processor.queued_behind(tg.update(first))
    release.set()
    first_response, second_response = await asyncio.gather(*calls)
    assert await first_response.text() == "ok"  # the second update was waiting
    assert second_response.content_type == "application/json"
    bot_api.webhook_answered(second_response.content_type, await second_response.read())
    reference = await tg.send("/start", user_id=8) + await tg.send("/bantuan", user_id=8)
    assert bot_api.texts(7) == [params["text"] for params in reference]


def test_webhook_path_from_url() -> None:
    assert webhook_path("https://bot.example.org/tg/hook") == "/tg/hook"
    assert webhook_path("https://bot.example.org") == "/telegram"


def test_webhook_url_without_secret_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET is required"):
        load_settings(telegram_bot_token=TOKEN, telegram_webhook_url="https://x.example/tg")


async def test_run_in_webhook_mode_end_to_end(tmp_path: Path, clock: FakeClock) -> None:
    """`prakerja-bot run` with a token and a webhook URL, against a loopback fake Bot API."""
    port = free_port()
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
                async with http.post(
                    url, json=text_json("/start", user_id=7), headers=headers
                ) as response:
                    api.state.webhook_answered(response.content_type, await response.read())
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
    port = free_port()
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


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_a_thousand_message_flood_starves_nobody(
    answering: Client,
    answering_app: TelegramApplication,
    recording_request: RecordingRequest,
    bot_api: BotApiState,
    mode: str,
) -> None:
    """User 7 sends 1,000 messages while their first reply is held: user 8 is still answered
    at once; user 7 gets their queued messages answered and one "slow down" for the rest, and
    every webhook call returns."""
    release = asyncio.Event()
    recording_request.holds.append(("sendMessage", lambda p: str(p["chat_id"]) == "7", release))
    headers = {SECRET_HEADER: SECRET}
    flood = [text_json(f"halo {n}", user_id=7) for n in range(1000)]
    if mode == "webhook":
        calls = [
            asyncio.create_task(answering.post("/telegram", json=u, headers=headers))
            for u in flood
        ]
    else:  # polling: the updates go straight into the application's queue
        for u in flood:
            await answering_app.update_queue.put(Update.de_json(u, answering_app.bot))
        calls = []
    processor = answering_app.update_processor
    assert isinstance(processor, OrderedUpdateProcessor)
    for _ in range(5000):
        if processor.dropped >= 900:
            break
        await asyncio.sleep(0.002)
    other = await asyncio.wait_for(
        answering.post("/telegram", json=text_json("/start", user_id=8), headers=headers), 5
    )
    assert other.status == 200 and not release.is_set()  # answered while 7's flood waits
    release.set()
    responses = await asyncio.gather(*calls)
    assert all(r.status == 200 for r in responses)
    await answering_app.update_queue.join()
    for _ in range(500):
        if not processor.queued_behind(Update.de_json(flood[0], None)):
            break
        await asyncio.sleep(0.01)
    slow = [t for t in bot_api.texts(7) if "Pelan-pelan" in t]
    assert len(slow) == 1
    assert processor.dropped >= 1000 - 1 - 20 - 1
