"""Shared pieces for the outbox tests: an engine that plans reminders, a worker factory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.outbound import Delivery
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker
from bot.outbox.planner import ReminderPlanner
from bot.outbox.policy import ChannelLimit, Policy
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry, Notices
from handlers.router import route
from tests.fakes.senders import RecordingSender


def planning_engine(store: SqlStore, program: Program, clock: FakeClock) -> Engine:
    """The engine as the app builds it: with the reminder planner observing participants."""
    return Engine(store, program, clock, route, observers=[ReminderPlanner(store, program, clock)])


def make_worker(
    store: SqlStore,
    program: Program,
    clock: FakeClock,
    outcomes: Sequence[Delivery] = (),
    policy: Policy | None = None,
    notices: Notices | None = None,
) -> tuple[DeliveryWorker, RecordingSender]:
    """A worker for the "test" channel whose sleeps move the fake clock instead of waiting."""
    sender = RecordingSender("test", outcomes)

    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    worker = DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, notices or all_notices()),
        {"test": sender},
        {"test": ChannelLimit(rate=10_000.0)},
        policy or Policy(),
        sleep=sleep,
        now=lambda: clock.now().timestamp(),  # the pacer's time is the fake clock's too
    )
    return worker, sender


async def rows(store: SqlStore, participant_id: int | None = None) -> list[dict[str, object]]:
    """Every outbox row (or one participant's) as plain dicts, in due order."""
    sql = "SELECT * FROM outbox"
    params: tuple[object, ...] = ()
    if participant_id is not None:
        sql += " WHERE participant_id = ?"
        params = (participant_id,)
    return [dict(r) for r in await store.db.fetchall(sql + " ORDER BY due_at, id", params)]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)
