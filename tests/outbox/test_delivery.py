"""The delivery worker: restarts, leases, rate limits, unreachable participants, retries."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.core.clock import FakeClock
from bot.core.domain import Reply
from bot.core.outbound import Delivery, Outbound, Outcome
from bot.core.program import Program
from bot.outbox.planner import REMINDER
from bot.outbox.policy import ChannelLimit, Policy
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import Notice
from tests.conftest import Reopen, onboard
from tests.fakes.senders import RecordingSender
from tests.helpers import Chat
from tests.outbox_helpers import make_worker, planning_engine, rows, seed, states, utc

H7 = utc("2021-11-23T09:00+07:00")


@pytest.fixture
def chat(store: SqlStore, program: Program, clock: FakeClock) -> Chat:
    return Chat(planning_engine(store, program, clock), clock)


async def test_restart_between_planning_and_sending(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock, reopen: Reopen
) -> None:
    await onboard(chat)
    await store.close()  # the bot stops ...
    reopened = await reopen()  # ... and starts again
    try:
        clock.set(H7 - timedelta(seconds=10))
        worker, sender = make_worker(reopened, program, clock)
        assert (await worker.run_once()).claimed == 0  # not due yet
        clock.set(H7)
        stats = await worker.run_once()
        assert stats.sent == 1
        [message] = sender.sent
        assert "Selasa, 30 November 2021 pukul 23.59 WIB — 7 hari lagi" in message.replies[0].text
        assert [o.id for o in message.replies[0].options] == ["purchase:done", "menu:purchase"]
        assert [o.label for o in message.replies[0].options] == [
            "Aku sudah beli",
            "Cara beli pelatihan",
        ]
        first = (await rows(reopened))[0]
        assert message.extra["outbox_id"] == str(first["id"])
        assert first["state"] == "sent" and first["message_ids"] == "1"
        assert (await worker.run_once()).sent == 0  # never twice
    finally:
        await reopened.close()


async def test_dead_process_rows_come_back_after_the_lease(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.set(H7)
    # A process claims the H-7 row and dies before sending it.
    claimed = await store.claim_due(clock.now(), clock.now() + timedelta(minutes=5), ["test"], 10)
    assert len(claimed) == 1
    worker, sender = make_worker(store, program, clock)
    assert (await worker.run_once()).claimed == 0  # the lease still holds: no double send
    assert sender.sent == []
    clock.advance(timedelta(minutes=5))
    assert (await worker.run_once()).sent == 1
    assert (await worker.run_once()).claimed == 0
    assert len(sender.sent) == 1


async def test_429_pauses_the_channel_then_succeeds(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.set(H7)
    worker, sender = make_worker(
        store, program, clock, [Delivery(Outcome.RETRY_AFTER, retry_after=3.0)]
    )
    stats = await worker.run_once()
    assert stats.rate_limited == 1 and stats.sent == 1
    assert len(sender.sent) == 2
    assert clock.now() >= H7 + timedelta(seconds=3)  # it waited for retry_after
    first = (await rows(store))[0]
    assert first["state"] == "sent" and first["attempts"] == 1


async def test_403_marks_unreachable_and_cancels(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.set(H7)
    worker, _ = make_worker(
        store, program, clock, [Delivery(Outcome.UNREACHABLE, error="403 blocked")]
    )
    assert (await worker.run_once()).unreachable == 1
    assert set(await states(store)) == {"cancelled"}
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.unreachable
    # Writing again makes them reachable, and their reminders are planned again.
    await chat.send("/menu")
    assert "pending" in await states(store)


async def test_transient_errors_back_off_then_fail(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.set(H7)
    failing = [Delivery(Outcome.TRANSIENT, error="502 bad gateway")] * 3
    policy = Policy(max_attempts=3, backoff_base=10)
    worker, sender = make_worker(store, program, clock, failing, policy)
    await worker.run_once()
    row = (await rows(store))[0]
    assert row["state"] == "pending" and row["attempts"] == 1
    assert row["due_at"] == "2021-11-23T02:00:10+00:00"  # backoff 10 s
    clock.advance(timedelta(seconds=10))
    await worker.run_once()
    row = (await rows(store))[0]
    assert row["attempts"] == 2 and row["due_at"] == "2021-11-23T02:00:30+00:00"  # then 20 s
    clock.advance(timedelta(seconds=20))
    await worker.run_once()
    row = (await rows(store))[0]
    assert row["state"] == "failed" and row["last_error"] == "502 bad gateway"
    assert row["attempts"] == 3 and len(sender.sent) == 3


async def test_permanent_error_fails_at_once(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.set(H7)
    worker, _ = make_worker(
        store, program, clock, [Delivery(Outcome.PERMANENT, error="400 chat not found")]
    )
    assert (await worker.run_once()).failed == 1
    assert (await rows(store))[0]["last_error"] == "400 chat not found"


async def test_closed_window_retries_as_template(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.set(H7)
    worker, sender = make_worker(store, program, clock, [Delivery(Outcome.NEEDS_TEMPLATE)])
    assert (await worker.run_once()).sent == 1
    assert [m.force_template for m in sender.sent] == [False, True]
    template = sender.sent[1].template
    assert template is not None and template.name == "prakerja_deadline_reminder"


async def test_purchase_between_planning_and_sending(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.press_any("purchase:done")
    clock.set(H7)
    worker, sender = make_worker(store, program, clock)
    await worker.run_once()
    assert sender.sent == []


async def test_stale_reminder_is_dropped(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.set(H7 + timedelta(hours=7))  # the bot was down all day
    worker, sender = make_worker(store, program, clock)
    stats = await worker.run_once()
    assert stats.cancelled == 1 and sender.sent == []


async def test_deadline_passed_sends_one_message(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    clock.set(utc("2021-11-30T21:00+07:00"))
    await onboard(chat)
    clock.set(utc("2021-12-01T07:00+07:00"))
    worker, sender = make_worker(store, program, clock)
    await worker.run_once()
    await worker.run_once()
    [message] = sender.sent
    [reply] = message.replies
    assert "sudah lewat" in reply.text
    assert "kepesertaanmu dicabut" in reply.text
    assert "bantuan.prakerja.go.id" in reply.text
    kinds = {str(r["kind"]): r["state"] for r in await rows(store)}
    assert kinds == {"reminder.passed": "sent"}
    assert REMINDER not in kinds


async def test_two_processes_never_send_a_row_twice(
    store: SqlStore, program: Program, clock: FakeClock, reopen: Reopen
) -> None:
    await seed(store, 60, now=clock.now(), channel="test")
    other = await reopen()  # a second process on the same database
    try:
        policy = Policy(batch=7)
        first, sent_a = make_worker(store, program, clock, policy=policy)
        second, sent_b = make_worker(other, program, clock, policy=policy)
        await asyncio.gather(first.run_once(), second.run_once())
    finally:
        await other.close()
    chats = [m.chat_id for m in sent_a.sent + sent_b.sent]
    assert sorted(chats, key=int) == [str(i) for i in range(1, 61)]
    assert set(await states(store)) == {"sent"}


async def test_sends_overlap_up_to_the_in_flight_bound(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await seed(store, 12, now=clock.now(), channel="test")
    worker, _ = make_worker(store, program, clock, policy=Policy(max_in_flight=4))
    in_flight, peak = 0, 0
    four = asyncio.Event()

    class Overlapping(RecordingSender):
        async def send(self, message: Outbound) -> Delivery:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight == 4:
                four.set()
            await asyncio.wait_for(four.wait(), 5)  # guard: sequential sends would stall here
            in_flight -= 1
            return await super().send(message)

    sender = Overlapping("test")
    worker.channels["test"].sender = sender
    assert (await worker.run_once()).sent == 12
    assert peak == 4


async def test_per_chat_pacing(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    ping = Notice(lambda ctx, payload: [Reply("ping")], lambda p, payload, now: True)
    await onboard(chat)
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.id is not None
    for key in ("ping-1", "ping-2"):
        await store.enqueue(saved.id, "test.ping", clock.now(), {}, key, now=clock.now())
    notices = {**all_notices(), "test.ping": ping}
    worker, sender = make_worker(store, program, clock, notices=notices)
    worker.channels["test"].limit = ChannelLimit(rate=1000.0, per_chat=1.0)
    before = clock.now()
    assert (await worker.run_once()).sent == 2
    assert [m.replies[0].text for m in sender.sent] == ["ping", "ping"]
    # The second message to the same chat waited 1 s of the fake clock, exactly: the pacer
    # reads the injected clock (not the machine's), and its sleeps move that clock.
    assert clock.now() - before == timedelta(seconds=1)
