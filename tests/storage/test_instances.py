"""Several instances on one database: heartbeats and claim take-over, ordering per
participant, leaderships, and rows claimed once (both stores; PostgreSQL-only where SQLite
is one process by design)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import psycopg
import pytest

from bot.core.clock import FakeClock
from bot.core.domain import Participant
from bot.core.program import Program
from bot.storage.store import SqlStore
from tests.outbox_helpers import utc
from tests.pg import PG_URL, pg_schema, pg_store
from tests.storage.conftest import Reopen

NOW = utc("2021-11-23T02:00+00:00")
LEASE = timedelta(minutes=5)


async def _row(store: SqlStore, key: str = "k1", user: str = "u1") -> int:
    p = await store.get_participant("test", user)
    if p is None:
        p = await store.save_participant(
            Participant("test", user, user, "id", "Asia/Jakarta", f"PK-{user}", NOW)
        )
    assert p.id is not None
    await store.enqueue(p.id, "reminder", NOW, {}, key, now=NOW)
    return p.id


async def test_claims_of_a_silent_instance_are_taken_over(store: SqlStore, reopen: Reopen) -> None:
    await _row(store)
    other = await reopen()
    try:
        await store.register_instance("a", NOW)
        await other.register_instance("b", NOW)
        assert [r.key for r in await store.claim_due(NOW, NOW + LEASE, ["test"], 10)] == ["k1"]
        later = NOW + timedelta(seconds=10)
        await other.beat_instance(later)
        assert await other.claim_due(later, later + LEASE, ["test"], 10) == []  # a is alive
        await store.beat_instance(later)
        silent = later + timedelta(seconds=16)  # a stopped beating (killed) after `later`
        await other.beat_instance(silent)
        taken = await other.claim_due(silent, silent + LEASE, ["test"], 10)
        assert [r.key for r in taken] == ["k1"]  # long before the 5-minute lease
        assert await store.claim_due(silent, silent + LEASE, ["test"], 10) == []
    finally:
        await other.close()


async def test_a_restarted_instance_takes_its_claims_back_at_once(
    store: SqlStore, reopen: Reopen
) -> None:
    await _row(store)
    await store.register_instance("a", NOW)
    assert len(await store.claim_due(NOW, NOW + LEASE, ["test"], 10)) == 1
    restarted = await reopen()  # kill -9, start again with the same INSTANCE_ID
    try:
        await restarted.register_instance("a", NOW + timedelta(seconds=1))
        soon = NOW + timedelta(seconds=1)
        assert len(await restarted.claim_due(soon, soon + LEASE, ["test"], 10)) == 1
        assert not await store.beat_instance(soon)  # the old run learns it was replaced
    finally:
        await restarted.close()


async def test_a_clean_stop_frees_claims_and_the_registry(store: SqlStore) -> None:
    await _row(store)
    await store.register_instance("a", NOW)
    assert [i.id for i in await store.live_instances()] == ["a"]
    assert len(await store.claim_due(NOW, NOW + LEASE, ["test"], 10)) == 1
    await store.retire_instance()
    assert await store.live_instances() == []
    assert len(await store.claim_due(NOW, NOW + LEASE, ["test"], 10)) == 1  # no lease wait


async def test_rows_are_claimed_once_by_concurrent_instances(
    store: SqlStore, reopen: Reopen
) -> None:
    for n in range(60):
        await _row(store, f"k{n}", f"u{n}")
    others = [await reopen() for _ in range(2)]
    try:
        stores = [store, *others]
        for n, s in enumerate(stores):
            await s.register_instance(f"i{n}", NOW)

        async def drain(s: SqlStore) -> list[str]:
            keys: list[str] = []
            while rows := await s.claim_due(NOW, NOW + LEASE, ["test"], 7):
                keys += [r.key for r in rows]
                await asyncio.sleep(0)
            return keys

        claimed = await asyncio.gather(*(drain(s) for s in stores))
        every = [k for keys in claimed for k in keys]
        assert sorted(every) == sorted(f"k{n}" for n in range(60))  # each once, none lost
    finally:
        for s in others:
            await s.close()


@pytest.fixture
async def two_pg() -> object:
    async with pg_schema() as schema:
        first, second = await pg_store(schema), await pg_store(schema)
        try:
            yield first, second
        finally:
            await first.close()
            await second.close()


async def test_one_participant_at_a_time_across_instances(
    two_pg: tuple[SqlStore, SqlStore],
) -> None:
    first, second = two_pg
    order: list[str] = []
    inside = asyncio.Event()

    async def slow() -> None:
        async with first.participant_lock("telegram", "42"):
            inside.set()
            await asyncio.sleep(0.2)
            order.append("first done")

    async def next_message() -> None:
        await inside.wait()
        async with second.participant_lock("telegram", "42"):
            order.append("second starts")

    async def someone_else() -> None:
        await inside.wait()
        async with second.participant_lock("telegram", "43"):
            order.append("other participant")

    await asyncio.gather(slow(), next_message(), someone_else())
    assert order == ["other participant", "first done", "second starts"]


async def test_leadership_fails_over_when_the_leader_dies(
    two_pg: tuple[SqlStore, SqlStore],
) -> None:
    first, second = two_pg
    assert await first.try_lead("telegram-poll:1")
    assert not await second.try_lead("telegram-poll:1")
    assert await second.try_lead("outbox-delivery")  # another role: its own lock
    assert await first.still_leading("telegram-poll:1")
    async with await psycopg.AsyncConnection.connect(PG_URL, autocommit=True) as admin:
        # the leader's session dies as with kill -9: PostgreSQL frees its advisory locks
        leader = first._leaders["telegram-poll:1"]  # type: ignore[attr-defined]
        await admin.execute("SELECT pg_terminate_backend(%s)", (leader.info.backend_pid,))
    assert not await first.still_leading("telegram-poll:1")
    assert await second.try_lead("telegram-poll:1")
    await second.release_lead("telegram-poll:1")
    assert await first.try_lead("telegram-poll:1")


async def test_a_message_handled_on_postgresql_commits_whole_or_not_at_all(
    two_pg: tuple[SqlStore, SqlStore],
) -> None:
    first, second = two_pg
    person = Participant("test", "u9", "u9", "id", "Asia/Jakarta", "PK-U9", NOW)
    async with first.participant_lock("test", "u9"):
        saved = await first.save_participant(person)
        assert await second.get_participant("test", "u9") is None  # not committed yet
    assert await second.get_participant("test", "u9") is not None
    assert saved.id is not None
    async with first.participant_lock("test", "u9"):
        await first.enqueue(saved.id, "reminder", NOW, {}, "kept?", now=NOW)
        with pytest.raises(RuntimeError):
            async with first.transaction():
                raise RuntimeError("a handler fails; the engine answers with an apology")
    assert await second.upcoming(saved.id, "reminder", NOW - timedelta(days=1)) == []


async def test_a_standby_instance_takes_the_role_when_the_leader_stops(
    two_pg: tuple[SqlStore, SqlStore],
) -> None:
    from bot.core.cluster import Leadership

    events: list[str] = []

    def hooks(name: str) -> dict[str, Any]:
        async def gain() -> None:
            events.append(f"{name} gains")

        async def loss() -> None:
            events.append(f"{name} loses")

        return {"on_gain": gain, "on_loss": loss}

    first, second = two_pg
    leader = Leadership(first, "telegram-poll:1", retry=0.02, **hooks("first"))
    standby = Leadership(second, "telegram-poll:1", retry=0.02, **hooks("second"))
    await leader.start()
    await standby.start()
    assert leader.held and not standby.held
    await leader.stop()
    for _ in range(200):
        if standby.held:
            break
        await asyncio.sleep(0.01)
    await standby.stop()
    assert events == ["first gains", "first loses", "second gains", "second loses"]


async def test_only_the_delivery_leader_sends(
    two_pg: tuple[SqlStore, SqlStore], program: Program, clock: FakeClock
) -> None:
    """Two instances run the delivery job; one leads and sends, so the platform's limit is
    the leader's (in aggregate), and each row is sent once."""
    from bot.outbox.jobs import OutboxScheduler
    from bot.outbox.planner import ReminderPlanner
    from tests.conftest import onboard
    from tests.helpers import Chat
    from tests.outbox_helpers import make_worker, planning_engine

    first, second = two_pg
    await onboard(Chat(planning_engine(first, program, clock), clock))
    clock.set(utc("2021-11-23T09:00+07:00"))  # the H-7 reminder is due
    jobs = []
    for store in (first, second):
        worker, sender = make_worker(store, program, clock)
        scheduler = OutboxScheduler(worker, ReminderPlanner(store, program, clock), interval=0.05)
        await scheduler.start()
        jobs.append((scheduler, sender))
    for _ in range(300):
        if any(sender.sent for _, sender in jobs):
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # more runs of both: nothing more is sent
    for scheduler, _ in jobs:
        await scheduler.stop()
    leaders = [s.leader is not None and s.leader.held for s, _ in jobs]
    assert [len(sender.sent) for _, sender in jobs] == [1, 0]
    assert leaders == [False, False]  # released at stop
