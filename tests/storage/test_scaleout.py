"""Black box: two `prakerja-bot run` instances on one PostgreSQL database behind a round-robin
balancer; one participant's consecutive updates reach different instances and are handled in
order, and both instances are registered with a heartbeat."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import aiohttp
import pytest

from bot.app.runner import run_services
from bot.app.wiring import open_app
from bot.channels.telegram.webhook import SECRET_HEADER
from bot.core.clock import FakeClock
from bot.core.config import load_settings
from bot.storage.store import SqlStore
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import callback_json, text_json
from tests.helpers import free_port
from tests.pg import pg_schema, pg_store, schema_url

SECRET = "s3cret-Token_1"


@pytest.fixture
async def schema() -> AsyncIterator[str]:
    async with pg_schema() as name:
        yield name


async def test_two_instances_share_one_participant_in_order(schema: str, clock: FakeClock) -> None:
    ports = [free_port(), free_port()]
    async with FakeBotApi() as api, AsyncExitStack() as stack:
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        running = []
        for n, port in enumerate(ports):
            settings = load_settings(
                database_url=schema_url(schema),
                instance_id=f"test-{n}",
                telegram_bot_token=TOKEN,
                telegram_webhook_url="https://bot.example.org/tg",
                telegram_webhook_secret=SECRET,
                telegram_base_url=api.base_url,
                web_listen=f"127.0.0.1:{port}",
            )
            app = await stack.enter_async_context(open_app(settings, clock))
            running.append(asyncio.create_task(run_services(app, stopped)))
        for _ in range(500):
            if len(api.state.of("setWebhook")) == 2:
                break
            await asyncio.sleep(0.01)
        updates = [
            text_json("/start", user_id=7),
            text_json("22", user_id=7),
            callback_json("tz:WIB", user_id=7),
        ]
        async with aiohttp.ClientSession(headers={SECRET_HEADER: SECRET}) as http:
            for n, update in enumerate(updates):  # instance 0, 1, 0: a round-robin balancer
                before = api.state.sent["7"]
                url = f"http://127.0.0.1:{ports[n % 2]}/tg"
                async with http.post(url, json=update) as response:
                    assert response.status == 200
                    api.state.webhook_answered(response.content_type, await response.read())
                await api.state.wait_sent(7, before + 1)
                await asyncio.sleep(0.2)  # the rest of the reply
        assert "30 November 2021" in "\n".join(api.state.texts(7))  # wave 22's deadline, WIB
        store: SqlStore = await pg_store(schema)
        try:
            participant = await store.get_participant("telegram", "7")
            assert participant is not None and participant.step.value == "menu"
            assert participant.wave == 22 and participant.timezone == "Asia/Jakarta"
            assert sorted(i.id for i in await store.live_instances()) == ["test-0", "test-1"]
            planned = await store.upcoming(participant.id or 0, "reminder", clock.now())
            assert planned  # the reminders were planned once, by whichever instance saved
        finally:
            await store.close()
        stopped.set_result(None)
        await asyncio.gather(*running)
    assert api.state.unexpected == []
