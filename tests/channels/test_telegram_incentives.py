"""Incentive status end to end on Telegram, against a loopback fake Bot API: the participant
shares their own contact, the operator posts a status to `/admin/status` on the same web
server, and the pushed update reaches the chat once, even when the operator posts it again."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import aiohttp

from bot.app import App, open_app
from bot.channels.base import Outbound, Outcome
from bot.channels.telegram.runtime import build_application
from bot.channels.telegram.sender import TelegramSender
from bot.clock import FakeClock
from bot.config import load_settings
from bot.i18n import Translator
from bot.runner import run_services
from bot.storage.sqlite import SqliteStore
from handlers.context import Context
from handlers.notices import lookup
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import message_json, text_json

ADMIN = "admin-token-for-the-e2e-test"
USER = 77


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def deliver_pending(app: App, sender: TelegramSender) -> int:
    """Sends every pending outbox row through the sender, worded by the notice registry (what
    the delivery job does, without its pacing)."""
    store = app.store
    assert isinstance(store, SqliteStore)
    async with store.db.execute(
        "SELECT id, participant_id, kind, payload FROM outbox WHERE state = 'pending' ORDER BY id"
    ) as cursor:
        rows = [tuple(r) async for r in cursor]
    for row_id, participant_id, kind, payload in rows:
        participant = await store.participant_by_id(participant_id)
        notice = lookup(kind)
        assert participant is not None and notice is not None
        ctx = Context(
            participant=participant,
            program=app.program,
            clock=app.clock,
            store=store,
            t=Translator(participant.locale, participant.timezone),
        )
        data = json.loads(payload)
        assert notice.applies(participant, data, app.clock.now())
        replies = tuple(notice.render(ctx, data))
        delivery = await sender.send(Outbound(participant.chat_id, replies, participant.locale))
        assert delivery.outcome == Outcome.SENT
        await store.db.execute("UPDATE outbox SET state = 'sent' WHERE id = ?", (row_id,))
    await store.db.commit()
    return len(rows)


async def test_pushed_update_reaches_telegram_once(tmp_path: Path, clock: FakeClock) -> None:
    port = _free_port()
    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            telegram_bot_token=TOKEN,
            telegram_base_url=api.base_url,
            web_listen=f"127.0.0.1:{port}",
            admin_api_token=ADMIN,
        )
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, clock) as app:
            running = asyncio.create_task(run_services(app, stopped))
            await api.state.wait_called("getUpdates")
            api.state.updates.append(text_json("/start 22", user_id=USER))
            api.state.updates.append(text_json("WIB", user_id=USER))
            api.state.updates.append(text_json("/status", user_id=USER))
            await api.state.wait_sent(USER, 10)  # intro, zone; deadline, menu; /status: 6
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
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 200
                    assert (await response.json())["applied"] == 1

                telegram = build_application(TOKEN, base_url=api.base_url, polling=False)
                await telegram.initialize()
                sender = TelegramSender(telegram.bot)
                before = len(api.state.texts(USER))
                assert await deliver_pending(app, sender) == 2  # the payment and the surveys
                async with http.post(url, json=update, headers=headers) as response:
                    assert (await response.json())["unchanged"] == 1
                assert await deliver_pending(app, sender) == 0
                await telegram.shutdown()
            pushed = api.state.texts(USER)[before:]
            assert pushed[0] == (
                "✅ Insentif bulan ke-2 sebesar Rp600.000 sudah ditransfer ke e-wallet kamu pada "
                "12 Desember 2021. (OVO)"
            )
            assert "3 survei, masing-masing Rp50.000" in pushed[1]
            stopped.set_result(None)
            await running
        assert api.state.unexpected == []
