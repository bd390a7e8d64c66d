"""The APScheduler jobs: delivery runs on the loop, and stop() ends it cleanly."""

from __future__ import annotations

import asyncio

from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.outbox.jobs import OutboxScheduler
from bot.outbox.planner import ReminderPlanner
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat
from tests.outbox_helpers import make_worker, planning_engine, utc


async def test_scheduler_delivers_due_rows_and_stops(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(Chat(planning_engine(store, program, clock), clock))
    clock.set(utc("2021-11-23T09:00+07:00"))
    worker, sender = make_worker(store, program, clock)
    jobs = OutboxScheduler(worker, ReminderPlanner(store, program, clock), interval=0.05)
    await jobs.start()
    for _ in range(200):  # bounded wait for the first run
        if sender.sent:
            break
        await asyncio.sleep(0.01)
    await jobs.stop()
    assert len(sender.sent) == 1
    assert worker.totals.sent == 1
    assert await worker.run_once() == type(worker.totals)()  # stopped: nothing more runs


async def test_housekeeping_runs_every_chore_even_after_a_failure() -> None:
    """A failing chore is logged; the planner and the other chores still run."""
    from typing import Any, cast

    from bot.outbox.delivery import DeliveryWorker
    from bot.outbox.jobs import OutboxScheduler
    from bot.outbox.planner import ReminderPlanner

    calls: list[str] = []

    class Planner:
        async def replan_missing(self) -> None:
            calls.append("planner")

    async def broken() -> None:
        calls.append("broken")
        raise RuntimeError("boom")

    async def prune() -> int:
        calls.append("prune")
        return 0

    scheduler = OutboxScheduler(
        cast(DeliveryWorker, cast(Any, object())),
        cast(ReminderPlanner, cast(Any, Planner())),
        chores=(broken, prune),
    )
    await scheduler.housekeeping()
    assert calls == ["planner", "broken", "prune"]
