"""Fault test: a broadcast fills Telegram's 30/s and the platform answers 429 bursts while
participants chat: every reply still arrives whole (paced with the outbox, replies first, 429
honoured and retried); a reply that still cannot go is kept in the outbox, not dropped."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.app.runner import run_services
from bot.app.wiring import open_app
from bot.channels.telegram.sender import TelegramSender
from bot.core.clock import Clock, FakeClock, ShiftedClock
from bot.core.config import load_settings
from bot.core.domain import Participant
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker
from bot.outbox.pacing import REPLY, Pacer
from bot.outbox.policy import ChannelLimit
from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from tests.channels.telegram_support import TelegramDriver
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import text_json
from tests.helpers import WIB_START, free_port

BROADCAST = 200
CHATTERS = 10


async def _broadcast(store: SqlStore, clock: Clock) -> None:
    for i in range(BROADCAST):
        p = await store.save_participant(
            Participant(
                channel="telegram",
                user_id=str(5000 + i),
                chat_id=str(5000 + i),
                locale="id",
                timezone="Asia/Jakarta",
                ref_code=f"PK-B{i:05d}",
                created_at=clock.now(),
            )
        )
        assert p.id is not None
        ping = {"text": "ping", "notice": True}  # an operator's broadcast
        await store.enqueue(p.id, "broadcast", clock.now(), ping, f"ping-{i}", now=clock.now())


async def test_every_reply_arrives_whole_during_a_broadcast_with_429s(tmp_path: Path) -> None:
    clock = ShiftedClock(WIB_START)  # runs in real time: a 429's pause must pass
    port = free_port()
    async with FakeBotApi(max_per_second=40, retry_after=1) as api:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            telegram_bot_token=TOKEN,
            telegram_base_url=api.base_url,
            web_listen=f"127.0.0.1:{port}",
            telegram_rate=80,  # faster than the fake allows: 429 bursts
            outbox_interval=0.2,
        )
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, clock) as app:
            assert isinstance(app.store, SqliteStore)
            await _broadcast(app.store, clock)
            running = asyncio.create_task(run_services(app, stopped))
            await api.state.wait_called("getUpdates")
            await asyncio.sleep(0.3)  # the broadcast is under way
            for n in range(CHATTERS):
                api.state.updates.append(text_json("/start 22", user_id=100 + n))
                api.state.updates.append(text_json("WIB", user_id=100 + n))
            for n in range(CHATTERS):  # intro + zone question, then deadline + menu
                await api.state.wait_sent(100 + n, 4, seconds=30)
            for i in range(BROADCAST):
                await api.state.wait_sent(5000 + i, 1, seconds=30)
            stopped.set_result(None)
            await running
    assert api.state.throttled > 0, "the test needs 429s to mean anything"
    for n in range(CHATTERS):
        # (the fake records a 429'd attempt too: count what it accepted)
        assert api.state.sent[str(100 + n)] == 4
        attempted = list(dict.fromkeys(api.state.texts(100 + n)))
        assert len(attempted) == 4 and "bukan layanan resmi" in attempted[0]
    assert all(api.state.sent[str(5000 + i)] == 1 for i in range(BROADCAST))


async def test_replies_are_granted_turns_before_broadcasts() -> None:
    pacer = Pacer(ChannelLimit(rate=50.0))
    order: list[str] = []

    async def take(name: str, priority: int) -> None:
        await pacer.turn(None, priority)
        order.append(name)

    broadcasts = [asyncio.create_task(take(f"b{i}", 1)) for i in range(10)]
    await asyncio.sleep(0)
    replies = [asyncio.create_task(take(f"r{i}", REPLY)) for i in range(3)]
    await asyncio.gather(*broadcasts, *replies)
    assert [n for n in order[:4] if n.startswith("r")] == ["r0", "r1", "r2"]


async def test_a_reply_that_cannot_go_is_kept_in_the_outbox(
    tg: TelegramDriver, store: SqlStore, clock: FakeClock, program: Program
) -> None:
    tg.state.max_per_second = 0.0001  # every send is a 429 from now on
    tg.state.retry_after = 0
    sender = tg.channel.sender
    assert isinstance(sender, TelegramSender)
    sender.reply_attempts = 2
    tg.state._recent.append(asyncio.get_running_loop().time())
    await tg.send("/start", user_id=61)
    participant = await store.get_participant("telegram", "61")
    assert participant is not None and participant.id is not None
    rows = await store.db.fetchall(
        "SELECT kind, payload, due_at FROM outbox WHERE participant_id = ?", (participant.id,)
    )
    kinds = [r[0] for r in rows]
    assert "reply" in kinds
    payload = next(r[1] for r in rows if r[0] == "reply")
    assert "bukan layanan resmi" in payload
    # the delivery job sends it, worded as it was, once Telegram lets it
    tg.state.max_per_second = None
    worker = DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, all_notices()),
        {"telegram": sender},
    )
    clock.advance(timedelta(minutes=1))
    assert (await worker.run_once()).sent == 1
    assert "bukan layanan resmi" in tg.state.texts(61)[-2]
