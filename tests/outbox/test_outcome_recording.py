"""The delivery worker records each outcome as its answer arrives: committed before the sender
takes its next row, held back when commits stall, kept when a commit fails or is cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from bot.core.clock import FakeClock
from bot.core.outbound import Delivery, Outbound
from bot.core.program import Program
from bot.outbox.policy import Policy
from bot.storage.base import StoreBusy
from bot.storage.outbox import Outcome as Written
from bot.storage.store import SqlStore
from tests.fakes.senders import RecordingSender
from tests.helpers import Chat
from tests.outbox_helpers import make_worker, planning_engine, rows, seed, states, utc

H7 = utc("2021-11-23T09:00+07:00")


@pytest.fixture
def chat(store: SqlStore, program: Program, clock: FakeClock) -> Chat:
    return Chat(planning_engine(store, program, clock), clock)


async def test_each_outcome_is_committed_before_its_sender_takes_the_next_row(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    """A kill -9 repeats only what is in flight: when a send starts, every answer received
    before is committed, but those of the other senders still in their commit."""
    await seed(store, 30, now=clock.now(), channel="test")
    senders = 3
    worker, _ = make_worker(store, program, clock, policy=Policy(max_in_flight=senders))
    answered = 0
    unrecorded: list[int] = []

    class Checking(RecordingSender):
        async def send(self, message: Outbound) -> Delivery:
            nonlocal answered
            committed = sum(1 for r in await rows(store) if r["state"] == "sent")
            unrecorded.append(answered - committed)
            delivery = await super().send(message)
            answered += 1
            return delivery

    worker.channels["test"].sender = Checking("test")
    assert (await worker.run_once()).sent == 30
    assert len(unrecorded) == 30 and max(unrecorded) <= senders - 1, unrecorded
    assert set(await states(store)) == {"sent"}


async def test_a_slow_commit_holds_the_senders_back_after_a_few_answers(
    store: SqlStore, program: Program, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kill -9 repeats the requests in flight and the answers not yet committed. However
    many senders, and however slow the commit (another transaction holding the database),
    no request starts while `max_unrecorded` answers wait for their commit."""
    await seed(store, 40, now=clock.now(), channel="test")
    policy = Policy(max_in_flight=16, max_unrecorded=2)
    worker, _ = make_worker(store, program, clock, policy=policy)
    record = store.record_outcomes
    answered = committed = 0

    async def slow(outcomes: Sequence[Written], now: datetime) -> None:
        nonlocal committed
        for _ in range(50):  # many requests' worth of event-loop turns
            await asyncio.sleep(0)
        await record(outcomes, now)
        committed += sum(1 for o in outcomes if o.state == "sent")

    monkeypatch.setattr(store, "record_outcomes", slow)
    unrecorded: list[int] = []
    at_risk: list[int] = []  # sends unrecorded, in flight or answered, this one included
    flying = 0

    class Checking(RecordingSender):
        async def send(self, message: Outbound) -> Delivery:
            nonlocal answered, flying
            unrecorded.append(answered - committed)  # as the request starts
            flying += 1
            at_risk.append(flying + answered - committed)
            for _ in range(len(unrecorded) % 7):  # round trips of different lengths
                await asyncio.sleep(0)
            delivery = await super().send(message)
            answered += 1
            flying -= 1
            return delivery

    worker.channels["test"].sender = Checking("test")
    assert (await worker.run_once()).sent == 40
    # Unheld, the senders went on until each had an answer waiting (15 at the most).
    assert len(unrecorded) == 40 and max(unrecorded) == policy.max_unrecorded - 1, unrecorded
    # The fake clock's round trips take no time: the rate needs none in flight besides.
    assert max(at_risk) == policy.max_unrecorded, at_risk
    assert set(await states(store)) == {"sent"}


async def test_outcomes_a_busy_database_refused_are_written_later(
    store: SqlStore,
    program: Program,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """StoreBusy on a commit: its outcomes are kept and written with a later one, never
    dropped (a row left `sending` would be sent again once its claim lapsed)."""
    await seed(store, 6, now=clock.now(), channel="test")
    worker, sender = make_worker(store, program, clock, policy=Policy(max_in_flight=2))
    record = store.record_outcomes
    refused: list[int] = []

    async def busy_twice(outcomes: Sequence[Written], now: datetime) -> None:
        if len(refused) < 2 and any(o.state == "sent" for o in outcomes):
            refused.append(len(outcomes))
            raise StoreBusy("database is locked")
        await record(outcomes, now)

    monkeypatch.setattr(store, "record_outcomes", busy_twice)
    assert (await worker.run_once()).sent == 6
    assert len(refused) == 2 and worker.outcomes.kept == []
    assert set(await states(store)) == {"sent"}
    assert len(sender.sent) == 6
    assert (await worker.run_once()).claimed == 0


async def test_an_outcome_whose_commit_is_cancelled_is_kept(
    store: SqlStore, program: Program, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sender cancelled while its outcome commits keeps it for the run's last write
    (writing one twice is harmless: only rows still `sending` are updated)."""
    worker, _ = make_worker(store, program, clock)
    started, never = asyncio.Event(), asyncio.Event()

    async def slow(outcomes: object, now: object) -> None:
        started.set()
        await never.wait()

    monkeypatch.setattr(store, "record_outcomes", slow)
    writing = asyncio.create_task(worker.outcomes.write(Written(1, "sent")))
    await started.wait()
    writing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writing
    assert [o.row_id for o in worker.outcomes.kept] == [1]


async def test_a_row_held_for_half_its_lease_is_left_to_the_next_claim(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    """Rows claimed ahead wait in the queue; one still unsent after half its lease could be
    claimed by another run any moment, so it is not sent by this one but claimed afresh."""
    await seed(store, 6, now=clock.now(), channel="test")
    policy = Policy(lease=timedelta(seconds=10), max_in_flight=1)
    worker, _ = make_worker(store, program, clock, policy=policy)

    class Slow(RecordingSender):
        async def send(self, message: Outbound) -> Delivery:
            clock.advance(timedelta(seconds=3))  # each send takes 3 s
            return await super().send(message)

    sender = Slow("test")
    worker.channels["test"].sender = sender
    stats = await worker.run_once()
    assert (stats.claimed, stats.sent) == (6, 2)  # the third waited 6 s > 5 s
    assert sorted(await states(store)) == ["sending"] * 4 + ["sent"] * 2
    for _ in range(4):
        clock.advance(timedelta(seconds=10))  # the lease ended: claimed afresh
        await worker.run_once()
    assert set(await states(store)) == {"sent"}
    assert sorted(m.chat_id for m in sender.sent) == sorted(str(i) for i in range(1, 7))
