"""Fault test (issue 21 §5): when the database cannot be written (disk full), a message is
never consumed unanswered: the participant gets one apology, and the message is answered
once writing works again, on Telegram (queue and webhook paths) and WhatsApp."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.channels.outage import Outage
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.channels.telegram_support import TelegramDriver
from tests.channels.whatsapp_support import BUDI, Rig, envelope, text, value, whatsapp_rig
from tests.fakes.telegram_updates import text_json


class FullDisk:
    """Makes the store's writes fail as SQLite does on a full disk, until `free()`."""

    WRITES = ("claim_update", "save_participant", "whatsapp_claim_inbound")

    def __init__(
        self, store: SqlStore, monkeypatch: pytest.MonkeyPatch, writes: tuple[str, ...] = WRITES
    ) -> None:
        self.full = True
        for name in writes:
            original = getattr(store, name)
            monkeypatch.setattr(store, name, self._failing(original))

    def _failing(self, original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def write(*args: Any, **kwargs: Any) -> Any:
            if self.full:
                raise sqlite3.OperationalError("database or disk is full")
            return await original(*args, **kwargs)

        return write

    def free(self) -> None:
        self.full = False


async def _until(check: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


@pytest.mark.parametrize("failing_write", ["claim", "save"])
async def test_telegram_update_is_answered_after_the_disk_frees(
    tg: TelegramDriver,
    store: SqlStore,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    failing_write: str,
) -> None:
    tg.channel.outage = Outage(clock, first_delay=0.05, max_delay=0.1)
    # "claim": nothing can be written; "save": the update's claim works, the state's save not
    writes = FullDisk.WRITES if failing_write == "claim" else ("save_participant",)
    disk = FullDisk(store, monkeypatch, writes)
    await tg.application.start()
    try:
        await tg.application.update_queue.put(tg.update(text_json("/start", user_id=5)))
        await tg.application.update_queue.put(tg.update(text_json("/bantuan", user_id=5)))
        await _until(
            lambda: any("couldn't process" in t or "belum bisa" in t for t in tg.state.texts(5))
        )
        await asyncio.sleep(0.3)  # retries meanwhile: still one apology
        sorry = [t for t in tg.state.texts(5) if "belum bisa" in t or "couldn't" in t]
        assert len(sorry) == 1
        assert len(tg.state.texts(5)) == 1
        disk.free()
        # the apology, then both messages answered
        await _until(lambda: tg.channel.outage.held() == 0 and len(tg.state.texts(5)) >= 3)
        participant = await store.get_participant("telegram", "5")
        assert participant is not None  # handled and stored once the disk had room
    finally:
        await tg.application.stop()


@pytest.fixture
async def whatsapp(engine: Engine, store: SqlStore, clock: FakeClock) -> AsyncIterator[Rig]:
    async with whatsapp_rig(engine, store, clock) as found:
        found.service.outage = Outage(clock, first_delay=0.05, max_delay=0.1)
        yield found


async def test_whatsapp_message_is_answered_after_the_disk_frees(
    whatsapp: Rig, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = FullDisk(store, monkeypatch)
    assert await whatsapp.post(envelope(value(text("halo", BUDI)))) == 200
    await _until(lambda: len(whatsapp.graph.messages) >= 1)
    first = whatsapp.graph.messages[0]
    assert "belum bisa" in first["text"]["body"] or "couldn't" in first["text"]["body"]
    disk.free()
    await _until(lambda: len(whatsapp.graph.messages) >= 2)
    assert await store.get_participant("whatsapp", BUDI) is not None
