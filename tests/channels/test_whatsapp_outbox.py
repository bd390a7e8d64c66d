"""Outbox rows for WhatsApp participants through the real delivery worker and the fake Graph
API: session message inside the window, template outside it, template after error 131047."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.channels.whatsapp.sender import WhatsAppConfig, WhatsAppSender
from bot.conversation.context import Context
from bot.core.clock import FakeClock
from bot.core.domain import Option, Participant, Reply
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker
from bot.outbox.policy import ChannelLimit
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import Notice, NoticeRegistry
from tests.channels.whatsapp_support import BUDI, PHONE_NUMBER_ID, TOKEN
from tests.fakes.graph_api import FakeGraphApi

KIND = "test_whatsapp_notice"


def _render(ctx: Context, payload: dict[str, Any]) -> list[Reply]:
    return [Reply("Batas beli pelatihanmu 3 hari lagi.", (Option("menu:show", "Menu"),))]


def _applies(participant: Participant, payload: dict[str, Any], now: datetime) -> bool:
    return True


NOTICES = {**all_notices(), KIND: Notice(_render, _applies)}


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi(PHONE_NUMBER_ID, TOKEN) as fake:
        yield fake


async def deliver(
    store: SqlStore,
    program: Program,
    clock: FakeClock,
    graph: FakeGraphApi,
    last_inbound_ago: timedelta,
) -> None:
    p = await store.save_participant(
        Participant(
            channel="whatsapp",
            user_id=BUDI,
            chat_id=BUDI,
            locale="id",
            timezone="Asia/Jakarta",
            ref_code="PK-OUTBX1",
            created_at=clock.now() - timedelta(days=3),
            last_inbound_at=clock.now() - last_inbound_ago,
        )
    )
    assert p.id is not None
    assert await store.enqueue(p.id, KIND, clock.now(), {}, "wa-1", now=clock.now())
    sender = WhatsAppSender(WhatsAppConfig(TOKEN, PHONE_NUMBER_ID, graph.base_url), store, clock)
    worker = DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, NOTICES),
        {"whatsapp": sender},
        {"whatsapp": ChannelLimit(rate=80.0)},
    )
    stats = await worker.run_once()
    await sender.close()
    assert stats.sent == 1


async def test_inside_the_window_the_outbox_sends_a_session_message(
    store: SqlStore, program: Program, clock: FakeClock, graph: FakeGraphApi
) -> None:
    await deliver(store, program, clock, graph, timedelta(hours=1))
    [sent] = graph.messages
    assert sent["type"] == "interactive"


async def test_outside_the_window_the_outbox_sends_a_template(
    store: SqlStore, program: Program, clock: FakeClock, graph: FakeGraphApi
) -> None:
    await deliver(store, program, clock, graph, timedelta(hours=30))
    [sent] = graph.messages
    assert sent["type"] == "template" and sent["template"]["name"] == "prakerja_update"


async def test_window_closed_error_is_retried_as_a_template(
    store: SqlStore, program: Program, clock: FakeClock, graph: FakeGraphApi
) -> None:
    graph.fail_next(131047)
    await deliver(store, program, clock, graph, timedelta(hours=1))
    assert [code for _, code in graph.refused] == [131047]
    [sent] = graph.messages
    assert sent["type"] == "template"
