"""The heartbeat on a database that cannot be written (a full disk): a warning without a
traceback, beats again later; any other failure is still logged with its traceback."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import UTC, datetime

import pytest

from bot.core.clock import FakeClock
from bot.core.cluster import Heartbeat
from bot.storage.retry import is_outage


class FailingStore:
    def __init__(self, error: Exception) -> None:
        self.error = error
        self.beats = 0
        self.twice = asyncio.Event()

    async def register_instance(self, instance_id: str, now: datetime) -> str:
        return f"{instance_id}/1"

    async def beat_instance(self, now: datetime) -> bool:
        self.beats += 1
        if self.beats >= 2:
            self.twice.set()
        raise self.error

    async def retire_instance(self) -> None:
        return None

    async def forget_instances(self, before: datetime) -> int:
        return 0


async def _beat_twice(store: FailingStore) -> None:
    clock = FakeClock(datetime(2021, 11, 20, 3, 0, tzinfo=UTC))
    heartbeat = Heartbeat(store, clock, "host:1", every=0.001, outage=is_outage)
    await heartbeat.start()
    await asyncio.wait_for(store.twice.wait(), timeout=30)
    await heartbeat.stop()


async def test_a_full_disk_is_a_warning_and_the_beat_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = FailingStore(sqlite3.OperationalError("database or disk is full"))
    with caplog.at_level(logging.WARNING, logger="bot.core.cluster"):
        await _beat_twice(store)
    assert store.beats >= 2
    assert caplog.records and all(r.exc_info is None for r in caplog.records)
    assert all(r.levelno == logging.WARNING for r in caplog.records)


async def test_a_bug_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.core.cluster"):
        await _beat_twice(FailingStore(KeyError("oops")))
    assert any(r.exc_info is not None for r in caplog.records)
