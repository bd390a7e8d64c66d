"""The WhatsApp sender: the 24-hour window rule, templates, and Meta's error codes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.channels.whatsapp.render import text_message
from bot.channels.whatsapp.sender import WhatsAppConfig, WhatsAppSender
from bot.core.clock import FakeClock
from bot.core.domain import Option, Participant, Reply
from bot.core.outbound import Outbound, Outcome, Template
from bot.storage.store import SqlStore
from tests.channels.whatsapp_support import BUDI, PHONE_NUMBER_ID, TOKEN
from tests.fakes.graph_api import error_body

BASE = "https://graph.test/v26.0"


class Recorder:
    """An httpx transport handler that records requests and answers from a script."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.answers: list[httpx.Response] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url == f"{BASE}/{PHONE_NUMBER_ID}/messages"
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        self.bodies.append(json.loads(request.content))
        if self.answers:
            return self.answers.pop(0)
        return httpx.Response(200, json={"messages": [{"id": f"wamid.{len(self.bodies)}"}]})


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def sender(
    store: SqlStore, clock: FakeClock, recorder: Recorder
) -> AsyncIterator[WhatsAppSender]:
    config = WhatsAppConfig(
        TOKEN,
        PHONE_NUMBER_ID,
        BASE,
        templates={"prakerja_deadline_reminder": "pengingat_batas_v2", "incentive": "insentif"},
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as client:
        yield WhatsAppSender(config, store, clock, client)


async def participant(
    store: SqlStore, clock: FakeClock, last_inbound_ago: timedelta | None
) -> Participant:
    p = Participant(
        channel="whatsapp",
        user_id=BUDI,
        chat_id=BUDI,
        locale="id",
        timezone="Asia/Jakarta",
        ref_code="PK-TEST01",
        created_at=clock.now() - timedelta(days=3),
        last_inbound_at=None if last_inbound_ago is None else clock.now() - last_inbound_ago,
    )
    return await store.save_participant(p)


async def outbox_row(store: SqlStore, clock: FakeClock, p: Participant, kind: str) -> int:
    assert p.id is not None
    assert await store.enqueue(p.id, kind, clock.now(), {}, f"{kind}:{p.id}", now=clock.now())
    row = await store.db.fetchone("SELECT max(id) FROM outbox")
    assert row is not None
    return int(row[0])


REMINDER = (Reply("Batas beli pelatihanmu 3 hari lagi.", (Option("menu:show", "Menu"),)),)


def reminder(outbox_id: int, **extra: Any) -> Outbound:
    return Outbound(
        chat_id=BUDI,
        replies=REMINDER,
        template=Template("prakerja_deadline_reminder", ("Selasa, 30 November 2021", "3 hari")),
        extra={"outbox_id": str(outbox_id), "kind": "reminder"},
        **extra,
    )


async def test_inside_the_window_sends_a_session_message(
    sender: WhatsAppSender, recorder: Recorder, store: SqlStore, clock: FakeClock
) -> None:
    p = await participant(store, clock, timedelta(hours=2))
    row = await outbox_row(store, clock, p, "reminder")
    delivery = await sender.send(reminder(row))
    assert delivery.outcome == Outcome.SENT and delivery.message_ids == ("wamid.1",)
    [body] = recorder.bodies
    assert body["to"] == BUDI and body["messaging_product"] == "whatsapp"
    assert body["type"] == "interactive"
    assert body["interactive"]["body"]["text"] == "Batas beli pelatihanmu 3 hari lagi."
    [status] = await store.whatsapp_statuses(row)
    assert (status.wamid, status.status) == ("wamid.1", "accepted")


@pytest.mark.parametrize("ago", [timedelta(hours=25), timedelta(hours=23, minutes=58), None])
async def test_outside_the_window_sends_the_template(
    sender: WhatsAppSender,
    recorder: Recorder,
    store: SqlStore,
    clock: FakeClock,
    ago: timedelta | None,
) -> None:
    p = await participant(store, clock, ago)
    row = await outbox_row(store, clock, p, "reminder")
    assert (await sender.send(reminder(row))).outcome == Outcome.SENT
    [body] = recorder.bodies
    assert body["type"] == "template"
    template = body["template"]
    assert template["name"] == "pengingat_batas_v2"  # mapped by WHATSAPP_TEMPLATES
    assert template["language"] == {"code": "id"}
    params = [p["text"] for p in template["components"][0]["parameters"]]
    assert params == ["Selasa, 30 November 2021", "3 hari"]
    assert template["components"][1] == {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "0",
        "parameters": [{"type": "payload", "payload": "menu:show"}],
    }


async def test_force_template_inside_the_window(
    sender: WhatsAppSender, recorder: Recorder, store: SqlStore, clock: FakeClock
) -> None:
    p = await participant(store, clock, timedelta(minutes=5))
    row = await outbox_row(store, clock, p, "reminder")
    await sender.send(reminder(row, force_template=True))
    assert recorder.bodies[0]["type"] == "template"


async def test_kind_without_a_notice_template_uses_the_configured_or_default_one(
    sender: WhatsAppSender, recorder: Recorder, store: SqlStore, clock: FakeClock
) -> None:
    p = await participant(store, clock, timedelta(days=2))
    row = await outbox_row(store, clock, p, "incentive.disbursed")
    await sender.send(
        Outbound(
            BUDI,
            (Reply("Insentifmu\nsudah cair."),),
            extra={"outbox_id": str(row), "kind": "incentive.disbursed"},
        )
    )
    row2 = await outbox_row(store, clock, p, "broadcast")
    await sender.send(
        Outbound(BUDI, (Reply("Info baru."),), extra={"outbox_id": str(row2), "kind": "broadcast"})
    )
    first, second = (b["template"] for b in recorder.bodies)
    assert first["name"] == "insentif"
    assert first["components"][0]["parameters"] == [
        {"type": "text", "text": "Insentifmu sudah cair."}
    ]
    assert second["name"] == "prakerja_update"


async def test_business_scoped_id_goes_in_recipient(
    sender: WhatsAppSender, recorder: Recorder
) -> None:
    await sender.reply("ID.99887766", [Reply("Halo")], "id")
    assert recorder.bodies[0]["recipient"] == "ID.99887766" and "to" not in recorder.bodies[0]


@pytest.mark.parametrize(
    ("status", "code", "outcome", "retry_after"),
    [
        (400, 131047, Outcome.NEEDS_TEMPLATE, None),
        (429, 130429, Outcome.RETRY_AFTER, 1.0),
        (400, 131056, Outcome.RETRY_AFTER, 6.0),
        (400, 131026, Outcome.UNREACHABLE, None),
        (400, 131009, Outcome.PERMANENT, None),
        (401, 190, Outcome.PERMANENT, None),
        (500, 131000, Outcome.TRANSIENT, None),
        (503, 133004, Outcome.TRANSIENT, None),
    ],
)
async def test_error_codes(
    sender: WhatsAppSender,
    recorder: Recorder,
    status: int,
    code: int,
    outcome: Outcome,
    retry_after: float | None,
) -> None:
    recorder.answers.append(httpx.Response(status, json=error_body(code)))
    delivery = await sender.post_all(BUDI, [text_message("Halo")], None)
    assert delivery.outcome == outcome
    assert delivery.retry_after == retry_after
    assert delivery.error is not None and str(code) in delivery.error


async def test_http_429_without_a_code_honours_retry_after(
    sender: WhatsAppSender, recorder: Recorder
) -> None:
    recorder.answers.append(httpx.Response(429, text="slow down", headers={"Retry-After": "7"}))
    delivery = await sender.post_all(BUDI, [text_message("Halo")], None)
    assert (delivery.outcome, delivery.retry_after) == (Outcome.RETRY_AFTER, 7.0)


async def test_network_error_is_transient(store: SqlStore, clock: FakeClock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        slept: list[float] = []

        async def sleep(seconds: float) -> None:
            slept.append(seconds)

        config = WhatsAppConfig(TOKEN, PHONE_NUMBER_ID, BASE)
        sender = WhatsAppSender(config, store, clock, client, sleep=sleep)
        delivery = await sender.reply(BUDI, [Reply("Halo")], "id")
    assert delivery.outcome == Outcome.TRANSIENT
    assert slept == [1.0, 2.0]  # three attempts


async def test_failure_midway_reports_what_was_sent(
    sender: WhatsAppSender, recorder: Recorder
) -> None:
    recorder.answers += [
        httpx.Response(200, json={"messages": [{"id": "wamid.first"}]}),
        httpx.Response(400, json=error_body(131009)),
    ]
    bodies = [text_message("Satu"), text_message("Dua"), text_message("Tiga")]
    delivery = await sender.post_all(BUDI, bodies, None)
    assert delivery.outcome == Outcome.PERMANENT
    assert delivery.message_ids == ("wamid.first",)
    assert len(recorder.bodies) == 2


async def test_a_reply_waits_out_a_rate_limit_and_resends_only_the_rest(
    store: SqlStore, clock: FakeClock, recorder: Recorder
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    recorder.answers += [
        httpx.Response(200, json={"messages": [{"id": "wamid.first"}]}),
        httpx.Response(400, json=error_body(130429)),
    ]
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as client:
        config = WhatsAppConfig(TOKEN, PHONE_NUMBER_ID, BASE)
        sender = WhatsAppSender(config, store, clock, client, sleep=sleep)
        delivery = await sender.reply(BUDI, [Reply("Satu"), Reply("Dua")], "id")
    assert delivery.outcome == Outcome.SENT and len(delivery.message_ids) == 2
    assert slept == [1.0]
    assert [b["text"]["body"] for b in recorder.bodies] == ["Satu", "Dua", "Dua"]


async def test_a_reply_is_not_retried_after_a_permanent_error(
    sender: WhatsAppSender, recorder: Recorder
) -> None:
    recorder.answers.append(httpx.Response(400, json=error_body(131009)))
    delivery = await sender.reply(BUDI, [Reply("Halo")], "id")
    assert delivery.outcome == Outcome.PERMANENT and len(recorder.bodies) == 1


async def test_rate_is_exposed_for_the_outbox_worker(sender: WhatsAppSender) -> None:
    assert sender.rate == 80.0 and sender.channel == "whatsapp"
