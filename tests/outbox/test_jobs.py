"""The APScheduler jobs: delivery runs on the loop, and stop() ends it cleanly."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import pytest

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


class SlowPlanner:
    """A housekeeping run that is in flight until `release` is set."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.finished = False
        self.cancelled = False

    async def replan_missing(self) -> None:
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        self.finished = True


@pytest.mark.parametrize(
    ("grace", "finishes"),
    [(30.0, True), (0.01, False)],
    ids=["finishes-within-the-grace", "stuck-cancelled-quietly"],
)
async def test_stop_lets_a_housekeeping_run_finish_or_cancels_it_quietly(
    store: SqlStore,
    program: Program,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    grace: float,
    finishes: bool,
) -> None:
    """Stops the jobs while housekeeping runs (released once the delivery run has stopped,
    i.e. when the scheduler used to be shut down, or never): it finishes within the grace or
    is cancelled with one INFO line; no record at ERROR or above on the way."""
    worker, _ = make_worker(store, program, clock)
    planner = SlowPlanner()
    jobs = OutboxScheduler(
        worker, cast(ReminderPlanner, cast(Any, planner)), interval=0.05, stop_grace=grace
    )
    caplog.set_level(logging.INFO)
    await jobs.start()
    await asyncio.wait_for(planner.started.wait(), timeout=30)

    stopping = asyncio.Event()
    request_stop = worker.request_stop

    def on_request_stop() -> None:
        request_stop()
        stopping.set()

    monkeypatch.setattr(worker, "request_stop", on_request_stop)

    async def release_after_delivery_stopped() -> None:
        await stopping.wait()
        await worker.wait_idle()  # stop() waits on it first, so it resumes first
        planner.release.set()

    releasing = asyncio.create_task(release_after_delivery_stopped()) if finishes else None
    await jobs.stop()
    for _ in range(20):  # the executor's done-callbacks run on later loop turns
        await asyncio.sleep(0)
    if releasing is not None:
        await releasing
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert (planner.finished, planner.cancelled) == (finishes, not finishes)
    assert ("outbox job cancelled at stop" in caplog.text) == (not finishes)
