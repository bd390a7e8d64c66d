"""The WhatsApp webhook end to end: handshake, signatures, duplicates, statuses, and the
guided conversation against a loopback fake Graph API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.channels.whatsapp.inbound import InboundMessage
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Step
from bot.storage.store import SqlStore
from tests.channels.test_whatsapp_render import within_limits
from tests.channels.whatsapp_support import (
    BUDI,
    UNSUPPORTED,
    VERIFY_TOKEN,
    Rig,
    contact,
    envelope,
    list_reply,
    message,
    option_ids,
    signed,
    status,
    template_button,
    text,
    texts,
    value,
    whatsapp_rig,
)


@pytest.fixture
async def rig(engine: Engine, store: SqlStore, clock: FakeClock) -> AsyncIterator[Rig]:
    async with whatsapp_rig(engine, store, clock) as built:
        yield built


# verification -------------------------------------------------------------------------------


async def test_verification_echoes_the_challenge(rig: Rig) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = await rig.client.get("/whatsapp", params=query)
    assert response.status == 200
    assert await response.text() == "1158201444"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
async def test_verification_refused(rig: Rig, query: dict[str, str]) -> None:
    response = await rig.client.get("/whatsapp", params=query)
    assert response.status == 403
    assert await response.text() != "1"


# signatures ---------------------------------------------------------------------------------


async def test_signed_delivery_is_processed(rig: Rig) -> None:
    assert await rig.post(envelope(value(text("/start")))) == 200
    assert rig.service.processed == 1
    assert rig.graph.to(BUDI)


async def test_missing_signature_is_refused_and_nothing_processed(rig: Rig) -> None:
    raw, headers = signed(envelope(value(text("/start"))))
    del headers["X-Hub-Signature-256"]
    response = await rig.client.post("/whatsapp", data=raw, headers=headers)
    await rig.service.drain()
    assert response.status == 401
    assert rig.service.processed == 0 and rig.graph.messages == []
    assert await rig.store.get_participant("whatsapp", BUDI) is None


async def test_wrong_secret_is_refused(rig: Rig) -> None:
    raw, headers = signed(envelope(value(text("/start"))), secret="not-the-app-secret")
    response = await rig.client.post("/whatsapp", data=raw, headers=headers)
    await rig.service.drain()
    assert response.status == 403
    assert rig.service.processed == 0 and rig.graph.messages == []


async def test_body_altered_by_one_byte_is_refused(rig: Rig) -> None:
    raw, headers = signed(envelope(value(text("/start"))))
    altered = raw.replace(b"/start", b"/stars")
    assert len(altered) == len(raw) and altered != raw
    response = await rig.client.post("/whatsapp", data=altered, headers=headers)
    await rig.service.drain()
    assert response.status == 403
    assert rig.service.processed == 0 and rig.graph.messages == []


async def test_malformed_signature_header_is_refused(rig: Rig) -> None:
    raw, headers = signed(envelope(value(text("/start"))))
    headers["X-Hub-Signature-256"] = "sha1=abc"
    response = await rig.client.post("/whatsapp", data=raw, headers=headers)
    assert response.status == 403


async def test_answers_before_processing(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    release = asyncio.Event()
    handled: list[str] = []

    async def slow(message: InboundMessage) -> None:
        await release.wait()
        handled.append(message.wamid)

    monkeypatch.setattr(rig.service, "handle_message", slow)
    raw, headers = signed(envelope(value(text("/start"))))
    response = await rig.client.post("/whatsapp", data=raw, headers=headers)
    assert response.status == 200 and handled == []  # answered while still processing
    release.set()
    await rig.service.drain()
    assert len(handled) == 1


async def test_a_failing_message_is_logged_and_the_next_one_still_runs(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = rig.service.handle_message

    async def flaky(message: InboundMessage) -> None:
        if message.text == "boom":
            raise RuntimeError("boom")
        await real(message)

    monkeypatch.setattr(rig.service, "handle_message", flaky)
    assert await rig.post(envelope(value(text("boom"), text("/start")))) == 200
    assert "failed" in caplog.text
    assert rig.service.processed == 1


# duplicates and ordering --------------------------------------------------------------------


async def test_a_retried_delivery_is_processed_once(rig: Rig) -> None:
    body = envelope(value(text("/start")))
    assert await rig.post(body) == 200
    sent = len(rig.graph.messages)
    assert await rig.post(body) == 200
    assert rig.service.processed == 1 and rig.service.duplicates == 1
    assert len(rig.graph.messages) == sent


async def test_messages_of_one_participant_are_handled_in_order(rig: Rig, store: SqlStore) -> None:
    body = envelope(value(text("/start"), text("22")), value(list_reply("tz:WIB", "WIB")))
    assert await rig.post(body) == 200
    saved = await store.get_participant("whatsapp", BUDI)
    assert saved is not None and saved.step == Step.MENU and saved.timezone == "Asia/Jakarta"


async def test_several_participants_in_one_post(rig: Rig) -> None:
    other = "6289876543210"
    body = envelope(
        value(text("/start"), text("/start", other), contacts=[contact(), contact(other)])
    )
    assert await rig.post(body) == 200
    assert rig.graph.to(BUDI) and rig.graph.to(other)


# message kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(UNSUPPORTED))
async def test_unsupported_types_get_a_polite_answer(rig: Rig, kind: str) -> None:
    assert await rig.post(envelope(value(message(kind, UNSUPPORTED[kind])))) == 200
    own = {"audio": "suara", "sticker": "stikernya", "location": "lokasinya"}  # its own reply
    assert own.get(kind, "kirim pesan teks ya") in texts(rig.graph.to(BUDI)).lower()


async def test_template_quick_reply_routes_like_a_button(rig: Rig) -> None:
    await rig.say("/start")
    await rig.say("22")
    await rig.press("tz:WIB")
    before = len(rig.graph.messages)
    assert await rig.post(envelope(value(template_button("menu:status")))) == 200
    assert rig.graph.messages[before:]


# the whole guided path ----------------------------------------------------------------------


async def test_guided_path_over_whatsapp(rig: Rig, store: SqlStore, clock: FakeClock) -> None:
    answer = await rig.say("/start")
    assert "bukan layanan resmi" in texts(answer)
    assert "wave:22" in option_ids(answer)
    answer = await rig.say("22")
    assert option_ids(answer) == ["tz:WIB", "tz:WITA", "tz:WIT"]
    assert answer[-1]["interactive"]["type"] == "button"
    answer = await rig.press("tz:WIB")
    assert "Selasa, 30 November 2021 pukul 23.59 WIB" in texts(answer)
    assert "menu:status" in option_ids(answer)
    menu = next(b for b in answer if "menu:status" in option_ids([b]))
    assert menu["interactive"]["type"] == "list"  # more than three menu items
    before = len(rig.graph.messages)
    assert await rig.post(envelope(value(list_reply("menu:status", "Status")))) == 200
    assert rig.graph.messages[before:]
    for body in rig.graph.messages:
        within_limits(body)
        assert body["to"] == BUDI
    saved = await store.get_participant("whatsapp", BUDI)
    assert saved is not None and saved.step == Step.MENU
    assert saved.phone == "+" + BUDI
    assert saved.last_inbound_at == clock.now()


async def test_participant_moves_to_the_business_scoped_id(rig: Rig, store: SqlStore) -> None:
    await rig.say("/start")
    bsuid = "ID.1410018717833190"
    body = envelope(value(text("22", from_user_id=bsuid), contacts=[contact(BUDI, bsuid)]))
    assert await rig.post(body) == 200
    assert await store.get_participant("whatsapp", BUDI) is None
    moved = await store.get_participant("whatsapp", bsuid)
    assert moved is not None and moved.step == Step.ASK_TIMEZONE  # same conversation
    assert moved.chat_id == BUDI and moved.phone == "+" + BUDI


# statuses -----------------------------------------------------------------------------------


async def sent_reminder(rig: Rig, store: SqlStore, clock: FakeClock) -> tuple[int, str]:
    """A participant whose reminder went out (outbox row `sent`); (row id, message id)."""
    await rig.say("/start")
    p = await store.get_participant("whatsapp", BUDI)
    assert p is not None and p.id is not None
    assert await store.enqueue(p.id, "reminder", clock.now(), {}, "r1", now=clock.now())
    row = await store.db.fetchone("SELECT max(id) FROM outbox")
    assert row is not None
    outbox_id = int(row[0])
    await store.db.execute("UPDATE outbox SET state = 'sent' WHERE id = ?", (outbox_id,))
    await store.whatsapp_record_sent(["wamid.REMINDER"], outbox_id, clock.now())
    return outbox_id, "wamid.REMINDER"


async def outbox_state(store: SqlStore, outbox_id: int) -> tuple[str, str | None, str]:
    row = await store.db.fetchone(
        "SELECT state, last_error, payload FROM outbox WHERE id = ?", (outbox_id,)
    )
    assert row is not None
    return row[0], row[1], row[2]


async def test_statuses_are_recorded_against_the_outbox_row(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    outbox_id, wamid = await sent_reminder(rig, store, clock)
    for state in ("sent", "read", "delivered"):  # out of order: read stays
        assert await rig.post(envelope(value(statuses=[status(wamid, state)]))) == 200
    [recorded] = await store.whatsapp_statuses(outbox_id)
    assert recorded.status == "read"


async def test_window_closed_later_retries_the_row_as_a_template(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    outbox_id, wamid = await sent_reminder(rig, store, clock)
    assert await rig.post(envelope(value(statuses=[status(wamid, "failed", 131047)]))) == 200
    state, error, payload = await outbox_state(store, outbox_id)
    assert state == "pending" and error is not None and "131047" in error
    assert json.loads(payload)["_whatsapp_template"] == 1
    window = await store.whatsapp_window(BUDI, outbox_id)
    assert window.force_template
    [recorded] = await store.whatsapp_statuses(outbox_id)
    assert (recorded.status, recorded.error_code) == ("failed", 131047)


async def test_a_template_that_fails_again_fails_the_row(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    outbox_id, wamid = await sent_reminder(rig, store, clock)
    await rig.post(envelope(value(statuses=[status(wamid, "failed", 131047)])))
    await store.db.execute("UPDATE outbox SET state = 'sent' WHERE id = ?", (outbox_id,))
    await store.whatsapp_record_sent(["wamid.AGAIN"], outbox_id, clock.now())
    await rig.post(envelope(value(statuses=[status("wamid.AGAIN", "failed", 131047)])))
    assert (await outbox_state(store, outbox_id))[0] == "failed"


@pytest.mark.parametrize(("code", "pause"), [(130429, 1), (131056, 6)])
async def test_rate_limit_failures_retry_after_a_pause(
    rig: Rig, store: SqlStore, clock: FakeClock, code: int, pause: int
) -> None:
    outbox_id, wamid = await sent_reminder(rig, store, clock)
    await rig.post(envelope(value(statuses=[status(wamid, "failed", code)])))
    row = await store.db.fetchone("SELECT state, due_at FROM outbox WHERE id = ?", (outbox_id,))
    assert row is not None and row[0] == "pending"
    assert row[1] == (clock.now() + timedelta(seconds=pause)).isoformat()


async def test_undeliverable_marks_the_participant_unreachable(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    _, wamid = await sent_reminder(rig, store, clock)
    p = await store.get_participant("whatsapp", BUDI)
    assert p is not None and p.id is not None
    assert await store.enqueue(p.id, "reminder", clock.now(), {}, "r2", now=clock.now())
    await rig.post(envelope(value(statuses=[status(wamid, "failed", 131026)])))
    p = await store.get_participant("whatsapp", BUDI)
    assert p is not None and p.unreachable
    row = await store.db.fetchone("SELECT state FROM outbox WHERE idempotency_key = 'r2'")
    assert row is not None and row[0] == "cancelled"


async def test_other_failures_fail_the_row(rig: Rig, store: SqlStore, clock: FakeClock) -> None:
    outbox_id, wamid = await sent_reminder(rig, store, clock)
    await rig.post(envelope(value(statuses=[status(wamid, "failed", 131053)])))
    state, error, _ = await outbox_state(store, outbox_id)
    assert state == "failed" and error is not None and "131053" in error


async def test_status_for_an_unknown_message_is_harmless(rig: Rig) -> None:
    assert (
        await rig.post(envelope(value(statuses=[status("wamid.NOPE", "failed", 131047)]))) == 200
    )


async def test_built_from_settings_and_served(
    engine: Engine, store: SqlStore, clock: FakeClock
) -> None:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.channels.whatsapp import whatsapp_routes
    from bot.channels.whatsapp.runtime import build_whatsapp, housekeeping
    from bot.core.config import load_settings
    from tests.channels.whatsapp_support import APP_SECRET, PHONE_NUMBER_ID, TOKEN
    from tests.fakes.graph_api import FakeGraphApi

    async with FakeGraphApi(PHONE_NUMBER_ID, TOKEN) as graph:
        settings = load_settings(
            whatsapp_token=TOKEN,
            whatsapp_phone_number_id=PHONE_NUMBER_ID,
            whatsapp_app_secret=APP_SECRET,
            whatsapp_verify_token=VERIFY_TOKEN,
            whatsapp_api_base_url=graph.base_url,
        )
        service = build_whatsapp(settings, engine, store, clock)
        app = web.Application()
        app.add_routes(whatsapp_routes(service))
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            raw, headers = signed(envelope(value(text("/start"))))
            assert (await client.post("/whatsapp", data=raw, headers=headers)).status == 200
            await service.close()
        assert graph.to(BUDI)
        clock.advance(timedelta(days=15))
        assert await housekeeping(store, clock) == 1


async def test_a_row_rate_limited_too_often_fails(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    outbox_id, wamid = await sent_reminder(rig, store, clock)
    await store.db.execute("UPDATE outbox SET attempts = 4 WHERE id = ?", (outbox_id,))
    await rig.post(envelope(value(statuses=[status(wamid, "failed", 130429)])))
    assert (await outbox_state(store, outbox_id))[0] == "failed"


async def test_a_reply_that_cannot_go_out_is_kept_in_the_outbox(
    rig: Rig, store: SqlStore, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_wait(seconds: float) -> None:
        return None

    monkeypatch.setattr(rig.sender, "_sleep", no_wait)
    await rig.say("/start")
    rig.graph.fail_next(131000, status=500, times=10)  # the Graph API is down for a while
    assert await rig.post(envelope(value(text("22")))) == 200
    participant = await store.get_participant("whatsapp", BUDI)
    assert participant is not None and participant.id is not None
    kept = await store.upcoming(participant.id, "reply", clock.now() - timedelta(minutes=1))
    assert kept and kept[0][0] == "reply"  # the zone question waits in the outbox, not dropped
    assert any("WIB" in json.dumps(payload) for _, _, payload in kept)
