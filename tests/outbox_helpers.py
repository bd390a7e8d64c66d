"""Shared pieces for the outbox tests: an engine that plans reminders, a worker factory."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

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


async def seed(store: SqlStore, participants: int, *, now: datetime, channel: str) -> None:
    """bench/bulk.py's `seed` through the store's own database (SQLite or PostgreSQL):
    participants 1..n (chat id = user id) with a deadline in 7 days and one reminder due now."""
    deadline = (now + timedelta(days=7)).astimezone(UTC).isoformat()
    stamp = now.astimezone(UTC).isoformat()
    due = (now - timedelta(seconds=1)).astimezone(UTC).isoformat()
    payload = json.dumps({"deadline": deadline, "rule": "h7", "stale_at": deadline})
    users = [str(i) for i in range(1, participants + 1)]
    async with store.transaction():
        await store.db.executemany(
            "INSERT INTO participants (channel, user_id, chat_id, step, locale, timezone,"
            " ref_code, deadline_utc, created_at, updated_at)"
            " VALUES (?, ?, ?, 'menu', 'id', 'Asia/Jakarta', ?, ?, ?, ?)",
            [(channel, u, u, f"PK-B{int(u):09d}", deadline, stamp, stamp) for u in users],
        )
        ids = {
            str(r[1]): int(r[0])
            for r in await store.db.fetchall(
                "SELECT id, user_id FROM participants WHERE channel = ?", (channel,)
            )
        }
        await store.db.executemany(
            "INSERT INTO outbox (participant_id, channel, kind, due_at, payload, idempotency_key,"
            " state, created_at) VALUES (?, ?, 'reminder', ?, ?, ?, 'pending', ?)",
            [
                (ids[u], channel, due, payload, f"reminder:{ids[u]}:h7:{deadline}", stamp)
                for u in users
            ],
        )


async def states(store: SqlStore) -> list[str]:
    """The outbox rows' states, in the order rows() reads them."""
    return [str(r["state"]) for r in await rows(store)]
