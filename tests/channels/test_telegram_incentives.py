"""Incentive status end to end on Telegram, against a loopback fake Bot API: the participant
shares their own contact, the operator posts a status to `/admin/status` on the same web
server, and the delivery job of `prakerja-bot run` brings the pushed update to the chat once,
even when the operator posts it again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.app.runner import run_services
from bot.app.wiring import open_app
from bot.core.clock import FakeClock
from bot.core.config import load_settings
from bot.storage.sqlite import SqliteStore
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import message_json, text_json
from tests.helpers import free_port

ADMIN = "admin-token-for-the-e2e-test"
USER = 77


async def test_pushed_update_reaches_telegram_once(tmp_path: Path, clock: FakeClock) -> None:
    port = free_port()
    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            telegram_bot_token=TOKEN,
            telegram_base_url=api.base_url,
            web_listen=f"127.0.0.1:{port}",
            admin_api_token=ADMIN,
            outbox_interval=0.2,
        )
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, clock) as app:
            running = asyncio.create_task(run_services(app, stopped))
            await api.state.wait_called("getUpdates")
            api.state.updates.append(text_json("/start 22", user_id=USER))
            api.state.updates.append(text_json("WIB", user_id=USER))
            api.state.updates.append(text_json("/status", user_id=USER))
            await api.state.wait_sent(USER, 6)  # intro, zone; deadline, menu; /status: 2
            asking = [
                p for p in api.state.of("sendMessage") if "keyboard" in p.get("reply_markup", {})
            ]
            assert asking, "no request-contact button under /status"
            assert asking[0]["reply_markup"]["keyboard"][0][0]["request_contact"] is True
            sent_before = len(api.state.texts(USER))
            contact = {"phone_number": "6281234567890", "first_name": "Budi", "user_id": USER}
            api.state.updates.append(message_json(USER, contact=contact))
            await api.state.wait_sent(USER, sent_before + 1)

            update = {
                "phone": "0812-3456-7890",
                "item": "incentive.2",
                "status": "paid",
                "date": "2021-12-12",
                "partner": "OVO",
            }
            url = f"http://127.0.0.1:{port}/admin/status"
            async with aiohttp.ClientSession() as http:
                async with http.post(url, json=update) as response:
                    assert response.status == 401
                headers = {"Authorization": f"Bearer {ADMIN}"}
                before = len(api.state.texts(USER))
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 200
                    assert (await response.json())["applied"] == 1
                # the payment (1 message) and the surveys (2), through the delivery job
                await api.state.wait_sent(USER, before + 3)
                async with http.post(url, json=update, headers=headers) as response:
                    assert (await response.json())["unchanged"] == 1
            assert isinstance(app.store, SqliteStore)
            keys = [
                row[0]
                for row in await app.store.db.fetchall(
                    "SELECT idempotency_key FROM outbox WHERE kind = 'incentive' ORDER BY id"
                )
            ]
            assert keys == ["incentive:1:incentive.2:paid:2021-12-12", "incentive:1:surveys"]
            pushed = api.state.texts(USER)[before:]
            assert pushed[0] == (
                "✅ Insentif bulan ke-2 sebesar Rp600.000 sudah ditransfer ke e-wallet kamu pada "
                "12 Desember 2021. (OVO)"
            )
            assert "3 survei, masing-masing Rp50.000" in pushed[1]
            assert pushed[2] == "Isi paling lambat 10 Desember 2021."
            stopped.set_result(None)
            await running
        assert api.state.unexpected == []
