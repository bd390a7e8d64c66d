"""The periodic jobs: deliver due outbox rows every few seconds, and housekeeping.

APScheduler's `AsyncIOScheduler` runs two interval jobs on the running event loop (one
instance each at a time; missed runs coalesce). It holds no job per participant: everything to
send is an outbox row, so nothing is lost when the process stops. Its executor cancels running
coroutine jobs on shutdown (and logs that as the job's ERROR), so `stop()` first lets the
delivery run finish its in-flight sends and a housekeeping run finish (for at most
`stop_grace` seconds; one still running then is cancelled quietly, and runs again next start).

With several instances on one database, only the delivery leader (a `Leadership` named
DELIVERY_LEADER) runs the jobs: the platforms' rate limits then hold in aggregate, because one
process paces every send. The others take over within a few seconds if it dies, and take
over its claimed rows once its heartbeat is stale.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.cluster import Leadership
from bot.outbox.delivery import DeliveryWorker
from bot.outbox.planner import ReminderPlanner

log = logging.getLogger(__name__)

DELIVERY_LEADER = "outbox-delivery"


class OutboxScheduler:
    """Starts and stops the delivery job and the housekeeping job."""

    def __init__(
        self,
        worker: DeliveryWorker,
        planner: ReminderPlanner,
        *,
        interval: float = 5.0,
        housekeeping_interval: float | None = 3600.0,
        chores: Sequence[Callable[[], Awaitable[object]]] = (),
        stop_grace: float = 10.0,
    ) -> None:
        self.worker = worker
        self.chores = list(chores)
        self.planner = planner
        self.interval = interval
        self.housekeeping_interval = housekeeping_interval
        self.stop_grace = stop_grace
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[object]] = set()  # the job runs in flight
        self._stopping = False
        self.leader: Leadership | None = None  # from start() on

    async def deliver(self) -> None:
        """The delivery job: one worker run (errors are logged, the job keeps its schedule)."""
        if self.leader is not None and not self.leader.held:
            return
        try:
            await self.worker.run_once()
        except Exception:
            log.exception("outbox delivery run failed")

    async def housekeeping(self) -> None:
        """Re-plans reminders lost to a crash between saving a participant and planning, then
        runs the channels' chores (e.g. forgetting old WhatsApp message ids)."""
        if self.leader is not None and not self.leader.held:
            return
        try:
            await self.planner.replan_missing()
        except Exception:
            log.exception("outbox housekeeping failed")
        for chore in self.chores:
            try:
                await chore()
            except Exception:
                log.exception("housekeeping chore failed")

    async def _tracked(self, job: Callable[[], Awaitable[None]]) -> None:
        """One run of `job`, known to stop(); cancelled by stop() it ends quietly (APScheduler
        would log a cancelled job as an ERROR)."""
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            await job()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            log.info("outbox job cancelled at stop")
        finally:
            self._running.discard(task)

    async def start(self) -> None:
        """Starts both jobs on the running loop; the first runs happen right away (on the
        delivery leader)."""
        self.leader = Leadership(self.worker.store, DELIVERY_LEADER)
        await self.leader.start()
        self._stopping = False
        scheduler = AsyncIOScheduler(timezone=UTC)
        first = datetime.now(UTC)
        scheduler.add_job(
            self._tracked,
            "interval",
            args=[self.deliver],
            seconds=self.interval,
            id="outbox-deliver",
            name="outbox-deliver",
            max_instances=1,
            coalesce=True,
            next_run_time=first,
        )
        if self.housekeeping_interval is not None:
            scheduler.add_job(
                self._tracked,
                "interval",
                args=[self.housekeeping],
                seconds=self.housekeeping_interval,
                id="outbox-housekeeping",
                name="outbox-housekeeping",
                max_instances=1,
                coalesce=True,
                next_run_time=first,
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("outbox scheduler started (every %.1fs)", self.interval)

    async def stop(self) -> None:
        """Stops scheduling, lets the current runs finish (the delivery its in-flight sends,
        housekeeping within `stop_grace` seconds, else it is cancelled quietly), then shuts
        down."""
        if self._scheduler is None:
            return
        self._scheduler.pause()
        self._stopping = True
        self.worker.request_stop()
        await self.worker.wait_idle()
        running = [task for task in self._running if not task.done()]
        if running:
            _, late = await asyncio.wait(running, timeout=self.stop_grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=self.stop_grace)
        self._scheduler.shutdown(wait=False)
        self._scheduler = None
        if self.leader is not None:
            await self.leader.stop()
        log.info("outbox scheduler stopped")
