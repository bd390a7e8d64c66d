"""WhatsApp identity and webhook robustness: the sender is the message's own `from`; a number
change moves the participant; a BSUID and a wa_id of one person are one participant; only
WhatsApp bodies are read, up to 3 MB; malformed parts are skipped per message with 200;
statuses are applied once; reactions and deletions are ignored, an edit is a new message;
/hapus leaves no row and no trace of the number in the database or its WAL."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.channels.test_whatsapp_webhook import outbox_state, sent_reminder
from tests.channels.whatsapp_support import (
    BUDI,
    Rig,
    contact,
    envelope,
    message,
    signed,
    status,
    text,
    texts,
    value,
    wamid,
    whatsapp_rig,
)
from tests.db import dump, rows

SITI = "6289876543210"


@pytest.fixture
async def rig(engine: Engine, store: SqlStore, clock: FakeClock) -> AsyncIterator[Rig]:
    async with whatsapp_rig(engine, store, clock) as found:
        yield found


async def test_sender_is_the_messages_own_from_never_another_contact(
    rig: Rig, store: SqlStore
) -> None:
    await rig.say("/start", BUDI)
    # Siti's message, but the contacts array lists only Budi
    body = envelope(value(text("halo", SITI), contacts=[contact(BUDI)]))
    assert await rig.post(body) == 200
    siti = await store.get_participant("whatsapp", SITI)
    budi = await store.get_participant("whatsapp", BUDI)
    assert siti is not None and budi is not None and siti.id != budi.id
    assert rig.graph.messages[-1]["to"] == SITI


async def test_a_message_without_a_sender_is_not_given_a_contacts_id(
    rig: Rig, store: SqlStore
) -> None:
    assert await rig.post(envelope(value(text("halo", None), contacts=[contact(BUDI)]))) == 200
    assert await store.get_participant("whatsapp", BUDI) is None
    assert rig.graph.messages == []


async def test_user_changed_number_moves_the_participant(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    outbox_id, _ = await sent_reminder(rig, store, clock)
    change = {
        "from": BUDI,
        "id": wamid(),
        "timestamp": "1637377300",
        "type": "system",
        "system": {
            "body": f"User Budi changed from {BUDI} to {SITI}",
            "wa_id": SITI,
            "type": "user_changed_number",
        },
    }
    body = envelope(value())
    body["entry"][0]["changes"][0]["value"]["messages"] = [change]
    assert await rig.post(body) == 200
    assert await store.get_participant("whatsapp", BUDI) is None
    moved = await store.get_participant("whatsapp", SITI)
    assert moved is not None and moved.chat_id == SITI and moved.phone == f"+{SITI}"
    before = len(rig.graph.messages)
    await rig.say("halo", SITI)  # the same participant (their state kept), not a new one
    assert (await store.get_participant("whatsapp", SITI)).id == moved.id  # type: ignore[union-attr]
    assert rig.graph.messages[before]["to"] == SITI
    assert (await outbox_state(store, outbox_id))[0] == "sent"  # their rows came along


async def test_bsuid_and_wa_id_of_one_person_are_one_participant(
    rig: Rig, store: SqlStore
) -> None:
    bsuid = "ID.1234567890123456"
    first = text("/start", BUDI, from_user_id=bsuid)
    assert await rig.post(envelope(value(first, contacts=[contact(BUDI, bsuid)]))) == 200
    keyed = await store.get_participant("whatsapp", bsuid)
    assert keyed is not None
    await rig.say("halo", BUDI)  # later, only the wa_id
    assert await store.get_participant("whatsapp", BUDI) is None
    rows = await store.db.fetchall("SELECT COUNT(*) FROM participants")
    assert [tuple(r) for r in rows] == [(1,)]


@pytest.mark.parametrize("kind", ["instagram", "page", None])
async def test_only_whatsapp_business_account_bodies_are_processed(
    rig: Rig, store: SqlStore, kind: str | None
) -> None:
    body = envelope(value(text("/start")))
    body["object"] = kind
    assert await rig.post(body) == 200
    assert rig.graph.messages == []
    assert await store.get_participant("whatsapp", BUDI) is None


async def test_bodies_up_to_3_mb_are_accepted(rig: Rig) -> None:
    body = envelope(value(text("/start")))
    body["padding"] = "x" * (2_900_000)
    raw, headers = signed(body)
    response = await rig.client.post("/whatsapp", data=io.BytesIO(raw), headers=headers)
    assert response.status == 200
    await rig.service.drain()
    assert rig.graph.messages


async def test_malformed_parts_are_skipped_per_message_and_answered_200(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    _, reminder = await sent_reminder(rig, store, clock)
    bad_status = status(reminder, "failed", 131047)
    bad_status["errors"][0]["code"] = "not-a-number"
    bad_message = text("halo")
    bad_message["timestamp"] = {"weird": True}
    bad_message["text"] = ["not", "a", "mapping"]
    body = envelope(value(bad_message, text("/menu", SITI), statuses=[bad_status, "junk"]))  # type: ignore[list-item]
    body["entry"][0]["changes"].append({"field": "messages", "value": "junk"})
    assert await rig.post(body) == 200
    assert any(m["to"] == SITI for m in rig.graph.messages)
    raw, headers = signed(b"{not json")
    response = await rig.client.post("/whatsapp", data=raw, headers=headers)
    assert response.status == 200


async def test_a_replayed_status_is_applied_once(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    outbox_id, reminder = await sent_reminder(rig, store, clock)
    failed = envelope(value(statuses=[status(reminder, "failed", 131047)]))
    assert await rig.post(failed) == 200
    state, _, payload = await outbox_state(store, outbox_id)
    assert state == "pending" and json.loads(payload)["_whatsapp_template"] == 1
    # the row is sent again as a template and marked sent; Meta replays the old failure
    await store.db.execute("UPDATE outbox SET state = 'sent' WHERE id = ?", (outbox_id,))
    assert await rig.post(failed) == 200
    assert (await outbox_state(store, outbox_id))[0] == "sent"  # not failed, not re-sent


async def test_reactions_and_deletions_are_ignored_and_an_edit_is_a_new_message(
    rig: Rig,
) -> None:
    await rig.say("/start")
    before = len(rig.graph.messages)
    reaction = message("reaction", {"message_id": wamid(), "emoji": "👍"})
    revoke = message("revoke", {"original_message_id": wamid()})
    assert await rig.post(envelope(value(reaction, revoke))) == 200
    assert rig.graph.messages[before:] == []
    edit = message(
        "edit",
        {"original_message_id": wamid(), "message": {"type": "text", "text": {"body": "/menu"}}},
    )
    assert await rig.post(envelope(value(edit))) == 200
    answer = texts(rig.graph.messages[before:])
    assert answer and "hanya bisa membaca" not in answer


async def test_hapus_leaves_no_row_and_no_trace_of_the_number(
    rig: Rig, store: SqlStore, db_path: Path
) -> None:
    for words in ("/start", "halo", "/status", "/hapus"):
        await rig.say(words)
    await rig.press("delete:yes")
    assert await store.get_participant("whatsapp", BUDI) is None
    for table in ("whatsapp_inbound", "whatsapp_sent", "inbound_updates", "participants"):
        assert await rows(store, table) == [], table
    assert BUDI not in await dump(store)
    for path in (db_path, Path(f"{db_path}-wal")):  # SQLite's file and WAL
        if path.exists():
            assert BUDI.encode() not in path.read_bytes(), path.name
