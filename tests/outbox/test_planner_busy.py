"""The reminder planner during a long import: another connection holds SQLite's write lock
("database is locked" once busy_timeout passes); planning is tried again with growing waits
and the plan is made once the import commits, not left for the hourly housekeeping."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.outbox.planner import PASSED, REMINDER, ReminderPlanner
from bot.storage.sqlite import SqliteStore
from handlers.router import route
from tests.conftest import onboard
from tests.helpers import Chat
from tests.outbox_helpers import rows


async def _until(condition: object, what: str) -> None:
    """Waits (on the event loop, no wall-clock bound) until `condition()` holds."""
    assert callable(condition)
    for _ in range(20_000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"never happened: {what}")


async def test_planning_waits_for_a_long_import_and_then_plans(
    db_path: Path, program: Program, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    store = await SqliteStore.open(str(db_path))
    importer = await SqliteStore.open(str(db_path))  # another process: the import
    try:
        await store.db.execute("PRAGMA busy_timeout=20")  # "locked" soon, not after 5 s
        await onboard(Chat(Engine(store, program, clock, route), clock))  # not planned yet
        participant = await store.get_participant("test", "u1")
        assert participant is not None and participant.deadline_utc is not None
        assert await rows(store) == []

        inside, done = asyncio.Event(), asyncio.Event()

        async def long_import() -> None:
            async with importer.transaction():  # BEGIN IMMEDIATE: the write lock, held
                await importer.db.executemany(
                    "INSERT INTO participants (channel, user_id, chat_id, step, locale,"
                    " timezone, ref_code, created_at, updated_at)"
                    " VALUES ('test', ?, ?, 'new', 'id', 'Asia/Jakarta', ?, '', '')",
                    [(f"i{n}", f"i{n}", f"PK-I{n:05}") for n in range(2000)],
                )
                inside.set()
                await done.wait()

        caplog.set_level(logging.WARNING, logger="bot.storage.retry")
        importing = asyncio.create_task(long_import())
        await inside.wait()
        planner = ReminderPlanner(store, program, clock)
        planning = asyncio.create_task(planner.participant_saved(None, participant))
        await _until(
            lambda: any("database busy" in r.getMessage() for r in caplog.records),
            "the planner meeting the locked database",
        )
        assert await rows(store) == []  # nothing planned while the import holds the lock
        done.set()
        await importing
        await planning
        kinds = [r["kind"] for r in await rows(store) if r["state"] == "pending"]
        assert kinds == [REMINDER] * 5 + [PASSED]
        assert not any(r.levelno >= logging.ERROR for r in caplog.records)
    finally:
        await importer.close()
        await store.close()
