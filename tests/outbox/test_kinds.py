"""What the bot starts: WhatsApp templates by kind outside the 24-hour window (the deadline
and the time left; the incentive update's text), quiet hours for every kind (incentive
updates too), and a row worded as of its due time, so a copy re-sent after a crash is
identical to the first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.channels.whatsapp.sender import WhatsAppConfig, WhatsAppSender
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Incoming, InputKind, Participant
from bot.core.outbound import Delivery, Outcome
from bot.core.program import Program
from bot.incentives.tracker import NOTICE_KIND
from bot.outbox.delivery import DeliveryWorker
from bot.outbox.policy import ChannelLimit
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from tests.channels.whatsapp_support import BUDI, PHONE_NUMBER_ID, TOKEN
from tests.fakes.graph_api import FakeGraphApi
from tests.fakes.senders import RecordingSender


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi(PHONE_NUMBER_ID, TOKEN) as fake:
        yield fake


async def _say(engine: Engine, clock: FakeClock, text: str, choice: str | None = None) -> None:
    kind = InputKind.CHOICE if choice else InputKind.TEXT
    await engine.handle(
        Incoming("whatsapp", BUDI, BUDI, clock.now(), kind=kind, text=text, choice=choice)
    )


async def _onboarded(engine: Engine, store: SqlStore, clock: FakeClock) -> Participant:
    await _say(engine, clock, "/start")
    await _say(engine, clock, "22")
    await _say(engine, clock, "WIB", "tz:WIB")
    participant = await store.get_participant("whatsapp", BUDI)
    assert participant is not None and participant.deadline_utc is not None
    return participant


def _worker(store: SqlStore, program: Program, clock: FakeClock, sender: Any) -> DeliveryWorker:
    name = sender.channel
    return DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, all_notices()),
        {name: sender},
        {name: ChannelLimit(rate=500.0)},
    )


async def _due_rows(store: SqlStore, kind: str) -> list[tuple[int, datetime]]:
    rows = await store.db.fetchall(
        "SELECT id, due_at FROM outbox WHERE kind LIKE ? || '%' AND state = 'pending'"
        " ORDER BY due_at",
        (kind,),
    )
    return [(int(r[0]), datetime.fromisoformat(r[1])) for r in rows]


async def test_a_reminder_outside_the_window_is_the_deadline_template(
    engine: Engine, store: SqlStore, program: Program, clock: FakeClock, graph: FakeGraphApi
) -> None:
    p = await _onboarded(engine, store, clock)
    assert p.id is not None and p.deadline_utc is not None
    due = p.deadline_utc - timedelta(days=3, hours=10)  # 13:59 WIB, outside quiet hours
    payload = {"deadline": p.deadline_utc.isoformat()}
    await store.enqueue(p.id, "reminder", due, payload, "r-3", now=clock.now())
    clock.set(due)  # the participant last wrote days ago: the window is closed
    sender = WhatsAppSender(WhatsAppConfig(TOKEN, PHONE_NUMBER_ID, graph.base_url), store, clock)
    assert (await _worker(store, program, clock, sender).run_once()).sent >= 1
    await sender.close()
    template = graph.messages[0]["template"]
    assert template["name"] == "prakerja_deadline_reminder"
    params = [p["text"] for p in template["components"][0]["parameters"]]
    assert "2021" in params[0] and "lagi" in params[1]


async def test_an_incentive_update_outside_the_window_is_its_own_template(
    engine: Engine, store: SqlStore, program: Program, clock: FakeClock, graph: FakeGraphApi
) -> None:
    p = await _onboarded(engine, store, clock)
    assert p.id is not None
    await store.db.execute("DELETE FROM outbox")
    payload = {"item": "incentive.1", "kind": "incentive", "index": 1, "amount": 600000}
    payload |= {"status": "processing", "date": "2021-12-12"}
    await store.enqueue(p.id, NOTICE_KIND, clock.now(), payload, "inc-1", now=clock.now())
    clock.advance(timedelta(days=2))
    sender = WhatsAppSender(WhatsAppConfig(TOKEN, PHONE_NUMBER_ID, graph.base_url), store, clock)
    assert (await _worker(store, program, clock, sender).run_once()).sent == 1
    await sender.close()
    template = graph.messages[0]["template"]
    assert template["name"] == "prakerja_incentive_update"
    assert "diproses" in template["components"][0]["parameters"][0]["text"]


async def test_an_incentive_update_in_the_quiet_hours_waits_for_the_morning(
    engine: Engine, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    p = await _onboarded(engine, store, clock)
    assert p.id is not None
    night = datetime(2021, 11, 20, 22, 30, tzinfo=UTC) - timedelta(hours=7)  # 22:30 WIB
    clock.set(night)
    payload = {"item": "incentive.1", "kind": "incentive", "index": 1, "amount": 600000}
    payload |= {"status": "processing", "date": "2021-12-12"}
    await store.enqueue(p.id, NOTICE_KIND, clock.now(), payload, "inc-2", now=clock.now())
    sender = RecordingSender("whatsapp")
    stats = await _worker(store, program, clock, sender).run_once()
    assert stats.sent == 0 and sender.sent == []
    [(_, due)] = await _due_rows(store, NOTICE_KIND)
    assert due.astimezone(UTC) == datetime(2021, 11, 21, 0, 0, tzinfo=UTC)  # 07:00 WIB


async def test_a_row_sent_again_after_a_crash_is_worded_as_the_first(
    engine: Engine, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    p = await _onboarded(engine, store, clock)
    assert p.id is not None and p.deadline_utc is not None
    await store.db.execute("DELETE FROM outbox")
    # due 5 h 2 min before the deadline: "only 5 hours left" becomes 4 six minutes later
    due = p.deadline_utc - timedelta(hours=5, minutes=2)
    payload = {"deadline": p.deadline_utc.isoformat()}
    await store.enqueue(p.id, "reminder", due, payload, "r-0", now=due)
    clock.set(due)
    first = RecordingSender("whatsapp", [Delivery(Outcome.SENT, message_ids=("a",))])
    worker = _worker(store, program, clock, first)
    rows = await store.claim_due(clock.now(), clock.now() + timedelta(minutes=5), ["whatsapp"], 10)
    assert rows  # the first process claims and sends, then dies before writing the outcome
    found = await store.participants_by_ids({rows[0].participant_id})

    async def dies_before_the_commit(outcome: object) -> None:
        pass

    worker._write = dies_before_the_commit
    await worker._deliver(rows[0], found[rows[0].participant_id], _stats())
    clock.advance(timedelta(minutes=6))  # the lease has expired: claimed again, after midnight
    again = RecordingSender("whatsapp")
    assert (await _worker(store, program, clock, again).run_once()).sent == 1
    assert first.sent and again.sent
    assert first.sent[0].replies[0].text == again.sent[0].replies[0].text
    assert "5 jam" in again.sent[0].replies[0].text


def _stats() -> Any:
    from bot.outbox.delivery import RunStats

    return RunStats()
