"""WhatsApp's daily limit on business-initiated conversations (the tier) and 429 storms, through
the real delivery worker, the real WhatsApp sender and the fake Graph API: with a tier of N and
3N templates due, at most N people get one per 24 hours, the nearest deadlines first, the rest
deferred (counted) and sent as slots free; 130429 storms pause the channel and lose nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.channels.whatsapp.sender import WhatsAppConfig, WhatsAppSender
from bot.channels.whatsapp.tier import TemplateTier
from bot.conversation.context import Context
from bot.core.clock import FakeClock
from bot.core.domain import Participant, Reply
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker, urgency
from bot.outbox.policy import ChannelLimit
from bot.storage.outbox import OutboxRow
from bot.storage.reports import TIER_DEFERRED
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import Notice, NoticeRegistry
from tests.channels.whatsapp_support import PHONE_NUMBER_ID, TOKEN
from tests.fakes.graph_api import FakeGraphApi
from tests.outbox_helpers import rows

KIND = "test_whatsapp_tier_notice"
TIER = 5


def _render(ctx: Context, payload: dict[str, Any]) -> list[Reply]:
    return [Reply("Batas beli pelatihanmu sebentar lagi.")]


def _applies(participant: Participant, payload: dict[str, Any], now: datetime) -> bool:
    return True


NOTICES = {**all_notices(), KIND: Notice(_render, _applies)}


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi(PHONE_NUMBER_ID, TOKEN) as fake:
        yield fake


@pytest.fixture
async def senders(
    store: SqlStore, clock: FakeClock, graph: FakeGraphApi
) -> AsyncIterator[list[WhatsAppSender]]:
    """Makes senders with `new(tier)`; closes them after the test."""
    made: list[WhatsAppSender] = []
    yield made
    for sender in made:
        await sender.close()


def _sender(
    made: list[WhatsAppSender],
    store: SqlStore,
    clock: FakeClock,
    graph: FakeGraphApi,
    tier: int,
) -> WhatsAppSender:
    sender = WhatsAppSender(WhatsAppConfig(TOKEN, PHONE_NUMBER_ID, graph.base_url), store, clock)
    sender.tier = TemplateTier(tier)
    made.append(sender)
    return sender


async def _due_templates(store: SqlStore, clock: FakeClock, count: int) -> dict[str, int]:
    """`count` participants outside their 24-hour window, each with a row due now; the
    deadlines are shuffled against the order of the rows. Returns phone -> days to deadline."""
    days: dict[str, int] = {}
    for n in range(count):
        phone = f"62812000{n:04d}"
        p = await store.save_participant(
            Participant(
                channel="whatsapp",
                user_id=phone,
                chat_id=phone,
                locale="id",
                timezone="Asia/Jakarta",
                ref_code=f"PK-TIER{n:03d}",
                created_at=clock.now() - timedelta(days=5),
                last_inbound_at=clock.now() - timedelta(days=3),
            )
        )
        assert p.id is not None
        days[phone] = (n * 7) % count + 1  # a permutation of 1..count
        deadline = (clock.now() + timedelta(days=days[phone])).isoformat()
        payload = {"deadline": deadline}
        assert await store.enqueue(p.id, KIND, clock.now(), payload, f"t-{n}", now=clock.now())
    return days


def _worker(
    store: SqlStore, program: Program, clock: FakeClock, sender: WhatsAppSender
) -> DeliveryWorker:
    async def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    return DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, NOTICES),
        {"whatsapp": sender},
        {"whatsapp": ChannelLimit(rate=1000.0)},
        sleep=sleep,
    )


def _templated(graph: FakeGraphApi) -> list[str]:
    return [str(m["to"]) for m in graph.messages if m.get("type") == "template"]


async def test_a_tier_of_n_reaches_n_people_a_day_nearest_deadlines_first(
    store: SqlStore,
    program: Program,
    clock: FakeClock,
    graph: FakeGraphApi,
    senders: list[WhatsAppSender],
) -> None:
    days = await _due_templates(store, clock, 3 * TIER)
    by_urgency = sorted(days, key=days.__getitem__)
    sender = _sender(senders, store, clock, graph, TIER)
    worker = _worker(store, program, clock, sender)
    start = clock.now()

    stats = await worker.run_once()
    assert stats.sent == TIER and stats.deferred == 2 * TIER
    assert set(_templated(graph)) == set(by_urgency[:TIER])  # the nearest deadlines
    deferred = [r for r in await rows(store) if r["state"] == "pending"]
    assert len(deferred) == 2 * TIER
    assert {r["last_error"] for r in deferred} == {TIER_DEFERRED}
    assert all(r["attempts"] == 0 for r in deferred)  # put off, not failed
    report = (await store.delivery_report())[KIND]  # the console's delivery table
    assert (report.queued, report.late, report.sent) == (2 * TIER, 2 * TIER, TIER)

    # Within the 24 hours nothing more goes, however often the worker runs.
    for _ in range(4):
        clock.advance(timedelta(hours=5))
        assert (await worker.run_once()).sent == 0
    assert len(set(_templated(graph))) == TIER

    # As the slots free, the next most urgent go: never more than TIER people in any 24 h.
    clock.set(start + timedelta(hours=24, seconds=1))
    assert (await worker.run_once()).sent == TIER
    assert set(_templated(graph)[TIER:]) == set(by_urgency[TIER : 2 * TIER])
    clock.set(start + timedelta(hours=48, seconds=2))
    assert (await worker.run_once()).sent == TIER
    assert set(_templated(graph)[2 * TIER :]) == set(by_urgency[2 * TIER :])
    assert sorted(_templated(graph)) == sorted(days)  # everyone, once
    assert all(r["state"] == "sent" for r in await rows(store))
    assert sender.tier is not None and sender.tier.deferred >= 2 * TIER


async def test_a_restart_still_counts_the_last_24_hours(
    store: SqlStore,
    program: Program,
    clock: FakeClock,
    graph: FakeGraphApi,
    senders: list[WhatsAppSender],
) -> None:
    await _due_templates(store, clock, 2 * TIER)
    first = _sender(senders, store, clock, graph, TIER)
    assert (await _worker(store, program, clock, first).run_once()).sent == TIER
    clock.advance(timedelta(hours=1))
    again = _sender(senders, store, clock, graph, TIER)  # a new process: read back the tier
    worker = _worker(store, program, clock, again)
    for row in await rows(store):  # the deferred rows due now, as if planned for now
        if row["state"] == "pending":
            await store.db.execute(
                "UPDATE outbox SET due_at = ? WHERE id = ?",
                (clock.now().isoformat(), row["id"]),
            )
    stats = await worker.run_once()
    assert stats.sent == 0 and stats.deferred == TIER
    assert len(set(_templated(graph))) == TIER


def test_the_preview_says_when_the_last_template_can_go() -> None:
    now = datetime.fromisoformat("2026-12-07T08:00+00:00")
    tier = TemplateTier(2)
    assert tier.last_slot(2, now) == now
    tier.admit("a", now)
    tier.admit("b", now + timedelta(hours=1))
    assert tier.last_slot(1, now) == now + timedelta(hours=24)
    assert tier.last_slot(2, now) == now + timedelta(hours=25)
    assert tier.last_slot(3, now) == now + timedelta(hours=48)


async def test_a_130429_storm_pauses_the_channel_and_loses_nothing(
    store: SqlStore,
    program: Program,
    clock: FakeClock,
    graph: FakeGraphApi,
    senders: list[WhatsAppSender],
) -> None:
    days = await _due_templates(store, clock, 12)
    sender = _sender(senders, store, clock, graph, 1_000)
    worker = _worker(store, program, clock, sender)
    graph.fail_next(130429, status=429, times=20)  # a storm: every request refused for a while
    start = clock.now()
    for _ in range(30):
        await worker.run_once()
        if all(r["state"] == "sent" for r in await rows(store)):
            break
    assert worker.totals.rate_limited > 0
    assert clock.now() - start >= timedelta(seconds=1)  # it waited the pauses out
    assert sorted(_templated(graph)) == sorted(days)  # each one, exactly once
    assert all(r["state"] == "sent" and r["attempts"] == 1 for r in await rows(store))


def test_urgency_is_the_deadline_else_the_due_time() -> None:
    due = datetime.fromisoformat("2026-12-07T08:00+00:00")

    def row(payload: dict[str, Any]) -> OutboxRow:
        return OutboxRow(1, 1, "whatsapp", KIND, due, payload, "k", 0)

    assert urgency(row({"deadline": "2026-12-09T16:59:59+00:00"})) == datetime.fromisoformat(
        "2026-12-09T16:59:59+00:00"
    )
    assert urgency(row({})) == due
    assert urgency(row({"deadline": "2026-12-09T16:59:59"})) == due  # naive: not comparable
    assert urgency(row({"deadline": "soon"})) == due
