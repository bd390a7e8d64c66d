"""Fault test: SIGTERM during a fan-out (the real `prakerja-bot run` in a child process): the
outcomes of every send are flushed before it exits, so after a restart nothing is lost and
nothing is sent twice."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import bulk
from bot.core.clock import SystemClock
from bot.storage.sqlite import SqliteStore
from tests.fakes.bot_api import FakeBotApi
from tests.helpers import start_bot

ROWS = 300
HUNG = 600.0  # seconds: only a run that hangs takes this long


def daytime_zone() -> str:
    """A zone where it is now about noon (what the bot starts waits out quiet hours)."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def _states(path: Path, due_by: str) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute(
            "SELECT state, COUNT(*) FROM outbox WHERE due_at <= ? GROUP BY state", (due_by,)
        ).fetchall()
        return {str(k): int(v) for k, v in rows}
    finally:
        db.close()


async def _until(what: str, done: Callable[[], bool], bot: asyncio.subprocess.Process) -> None:
    """Waits for the bot's progress, however slowly a busy machine runs it (no count of polls);
    fails at once if the bot exits meanwhile. The outer bound only stops a hung run."""

    async def watch() -> None:
        while not done():
            assert bot.returncode is None, f"the bot exited before {what}"
            await asyncio.sleep(0.05)

    await asyncio.wait_for(watch(), HUNG)


async def _bot(path: Path, base_url: str) -> asyncio.subprocess.Process:
    settings = {
        "TELEGRAM_RATE": "100",
        "OUTBOX_INTERVAL": "0.5",
    }
    return await start_bot(path, base_url, settings, asyncio.subprocess.PIPE)


async def test_sigterm_during_a_fan_out_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = await SqliteStore.open(str(path))
    await store.close()
    seeded = SystemClock().now()
    bulk.seed(str(path), ROWS, now=seeded)
    db = sqlite3.connect(path)
    db.execute("UPDATE participants SET timezone = ?", (daytime_zone(),))
    db.commit()
    db.close()
    due_by = seeded.isoformat()
    async with FakeBotApi(max_per_second=100) as api:
        first = await _bot(path, api.base_url)
        await _until(
            "the fan-out is well under way",
            lambda: sum(api.state.sent.values()) >= ROWS // 3,
            first,
        )
        first.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(first.communicate(), HUNG)
        assert first.returncode == 0, err.decode()[-500:]
        assert b"Traceback" not in err
        states = _states(path, due_by)
        assert states.get("sending", 0) == 0, states  # every outcome was written
        assert states.get("sent", 0) == sum(api.state.sent.values())
        assert 0 < states.get("sent", 0) < ROWS
        second = await _bot(path, api.base_url)
        await _until(
            "every row is sent", lambda: _states(path, due_by).get("sent", 0) == ROWS, second
        )
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.communicate(), HUNG)
    assert _states(path, due_by) == {"sent": ROWS}
    assert len(api.state.sent) == ROWS and set(api.state.sent.values()) == {1}
