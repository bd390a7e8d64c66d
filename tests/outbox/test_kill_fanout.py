"""Fault test: kill -9 during a fan-out (the real `prakerja-bot run` in a child process,
killed twice and restarted). Each sender records its row's outcome as soon as the answer
arrives and waits for that commit before its next row; no sender sends while
sends unrecorded (in flight or answered) reach what the rate needs over a send and its
commit, plus `Policy.max_unrecorded`: a kill repeats at most those. The
second kill comes while this test holds SQLite's write lock (a long transaction elsewhere:
the bot's commits stall), once the sends have stopped: without the cap every sender would
have sent one more (16), with outcomes written in batches every 0.2 s every send meanwhile.
Nothing is lost, and every copy sent again is identical to the first."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time
from pathlib import Path

from bench import bulk
from bench.fake_bot_api import TimedBotApi, per_kill
from bot.core.clock import SystemClock
from bot.storage.sqlite import SqliteStore
from tests.helpers import start_bot
from tests.outbox.test_sigterm_fanout import daytime_zone

ROWS = 2000
SENDERS = 16  # OUTBOX_MAX_IN_FLIGHT: sends at once
KILL_AFTER = (500, 1100)  # messages received in all when each kill comes
FAN = "idempotency_key LIKE 'fan:%'"


def _seed(path: Path) -> None:
    """ROWS incentive updates due now (the bot's housekeeping re-plans reminders, not these),
    to participants in a zone where it is about noon (not quiet hours)."""
    bulk.seed(str(path), ROWS, now=SystemClock().now())
    update = {"item": "incentive.1", "kind": "incentive", "index": 1, "amount": 600000}
    update |= {"status": "processing", "date": "2021-12-12"}
    db = sqlite3.connect(path)
    db.execute("UPDATE participants SET timezone = ?", (daytime_zone(),))
    db.execute(
        "UPDATE outbox SET kind = 'incentive', payload = ?, idempotency_key = 'fan:' || id",
        (json.dumps(update),),
    )
    db.commit()
    db.close()


def _states(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute(f"SELECT state, COUNT(*) FROM outbox WHERE {FAN} GROUP BY state")
        return {str(k): int(v) for k, v in rows.fetchall()}
    finally:
        db.close()


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """SQLite's write lock, taken by this process: the bot's commits wait (busy_timeout 5 s)
    as behind a long transaction of its own housekeeping or of an import."""
    db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    db.execute("BEGIN IMMEDIATE")
    return db


async def _until_sends_stop(api: TimedBotApi) -> None:
    """Until no send has arrived for half a second (at most 3 s: less than busy_timeout)."""
    seen, quiet = len(api.sends), 0
    for _ in range(30):
        await asyncio.sleep(0.1)
        quiet = quiet + 1 if len(api.sends) == seen else 0
        seen = len(api.sends)
        if quiet >= 5:
            return


async def _bot(path: Path, base_url: str) -> asyncio.subprocess.Process:
    settings = {
        "TELEGRAM_RATE": "150",
        "TELEGRAM_CHAT_RATE": "1",
        "OUTBOX_INTERVAL": "0.5",
        "OUTBOX_MAX_IN_FLIGHT": str(SENDERS),
        # few rows claimed ahead, so none waits in the queue longer than the short lease
        "OUTBOX_BATCH": "25",
        "OUTBOX_LEASE_SECONDS": "5",  # a killed process's claims come back after 5 s
    }
    return await start_bot(path, base_url, settings, asyncio.subprocess.DEVNULL)


async def test_kill_9_during_a_fan_out_repeats_only_the_requests_in_flight(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    store = await SqliteStore.open(str(path))
    await store.close()
    _seed(path)
    kills: list[float] = []
    async with TimedBotApi() as api:
        for received in KILL_AFTER:
            bot = await _bot(path, api.base_url)
            for _ in range(1200):  # until the fan-out is well under way (at most a minute)
                await asyncio.sleep(0.05)
                if len(api.sends) >= received:
                    break
            assert len(api.sends) >= received, "the fan-out did not get going"
            held = None
            if received == KILL_AFTER[-1]:
                held = await asyncio.to_thread(_hold_write_lock, path)
                await _until_sends_stop(api)
            kills.append(time.monotonic())
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
            if held is not None:
                held.rollback()
                held.close()
        last = await _bot(path, api.base_url)
        for _ in range(1800):  # the killed runs' claims come back after their lease
            await asyncio.sleep(0.05)
            if _states(path) == {"sent": ROWS}:
                break
        last.send_signal(signal.SIGTERM)
        await asyncio.wait_for(last.wait(), 60)
    assert _states(path) == {"sent": ROWS}  # nothing lost, failed or left unsent
    assert len(api.state.sent) == ROWS  # every chat got its message
    found, stray = per_kill(api.sends, kills)
    duplicates = sum(n - 1 for n in api.state.sent.values())
    assert duplicates == sum(k.duplicates for k in found) and stray == 0
    for kill in found:
        # what a kill repeats: the requests in flight (the fake had not answered them) and
        # the answers not yet committed, a few however long the commit stalled: at 150/s
        # the bound is 4 plus a send per 3.3 ms of round trip (send and commit), not 16
        assert kill.in_flight <= kill.duplicates <= SENDERS // 2, found
    assert found[-1].duplicates > 0, found  # the stalled commit did leave answers unrecorded
    for texts in api.state.accepted.values():
        assert len(set(texts)) == 1  # a copy sent again is worded as the first
