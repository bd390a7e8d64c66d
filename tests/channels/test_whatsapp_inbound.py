"""Reading webhook payloads shaped like Meta's documented examples."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.channels.whatsapp.inbound import parse_webhook
from bot.core.domain import InputKind
from tests.channels.whatsapp_support import (
    BUDI,
    UNSUPPORTED,
    button_reply,
    contact,
    envelope,
    list_reply,
    message,
    status,
    template_button,
    text,
    value,
)


def test_text_message() -> None:
    sent = text("Halo")
    batch = parse_webhook(envelope(value(sent)))
    assert len(batch.messages) == 1
    got = batch.messages[0]
    assert got.wamid == sent["id"]
    assert (got.user_id, got.chat_id, got.phone) == (BUDI, BUDI, "+" + BUDI)
    assert (got.kind, got.text, got.choice) == (InputKind.TEXT, "Halo", None)
    assert got.at == datetime(2021, 11, 20, 3, 0, tzinfo=UTC)
    incoming = got.incoming()
    assert incoming.channel == "whatsapp" and incoming.message_id == sent["id"]
    assert incoming.phone == "+6281234567890"


def test_button_reply_is_a_choice() -> None:
    got = parse_webhook(envelope(value(button_reply("menu:status", "Status")))).messages[0]
    assert (got.kind, got.choice, got.text) == (InputKind.CHOICE, "menu:status", "Status")


def test_list_reply_is_a_choice() -> None:
    got = parse_webhook(envelope(value(list_reply("wave:22", "Gelombang 22")))).messages[0]
    assert (got.kind, got.choice) == (InputKind.CHOICE, "wave:22")


def test_template_quick_reply_payload_is_a_choice() -> None:
    got = parse_webhook(envelope(value(template_button("menu:show")))).messages[0]
    assert (got.kind, got.choice, got.text) == (InputKind.CHOICE, "menu:show", "Lihat menu")


def test_template_quick_reply_without_payload_is_text() -> None:
    got = parse_webhook(envelope(value(template_button("")))).messages[0]
    assert (got.kind, got.text) == (InputKind.TEXT, "Lihat menu")


@pytest.mark.parametrize("kind", sorted(set(UNSUPPORTED) - {"image"}))
def test_unsupported_types(kind: str) -> None:
    got = parse_webhook(envelope(value(message(kind, UNSUPPORTED[kind])))).messages[0]
    assert got.kind == InputKind.UNSUPPORTED and got.type == kind


def test_an_image_or_image_document_is_a_picture_with_its_media_id_and_caption() -> None:
    got = parse_webhook(envelope(value(message("image", UNSUPPORTED["image"])))).messages[0]
    assert (got.kind, got.media_id, got.text) == (InputKind.IMAGE, "1003383421387256", "foto")
    document = {"id": "77", "mime_type": "image/png", "filename": "ss.png"}
    got = parse_webhook(envelope(value(message("document", document)))).messages[0]
    assert (got.kind, got.media_id) == (InputKind.IMAGE, "77")
    pdf = {"id": "78", "mime_type": "application/pdf", "filename": "ss.pdf"}
    got = parse_webhook(envelope(value(message("document", pdf)))).messages[0]
    assert got.kind == InputKind.UNSUPPORTED and got.media_id is None


def test_system_messages_need_no_answer() -> None:
    system = message("system", {"body": "User changed number", "type": "user_changed_number"})
    assert parse_webhook(envelope(value(system))).messages == []


def test_several_entries_changes_and_messages_in_order() -> None:
    first, second, third = text("satu"), text("dua", "628111"), text("tiga")
    body = envelope(value(first, second, contacts=[contact(), contact("628111")]), value(third))
    body["entry"].append(
        {"id": "other", "changes": [{"field": "messages", "value": value(text("empat"))}]}
    )
    got = parse_webhook(body).messages
    assert [m.text for m in got] == ["satu", "dua", "tiga", "empat"]
    assert got[1].user_id == "628111"


def test_business_scoped_user_id_is_the_key_and_phone_is_kept() -> None:
    sent = text("Halo", from_user_id="ID.1410018717833190")
    body = envelope(value(sent, contacts=[contact(BUDI, "ID.1410018717833190")]))
    got = parse_webhook(body).messages[0]
    assert got.user_id == "ID.1410018717833190"
    assert got.chat_id == BUDI and got.phone == "+" + BUDI


def test_username_user_without_phone_number() -> None:
    sent = text("Halo", sender=None, from_user_id="ID.99887766")
    body = envelope(value(sent, contacts=[contact(None, "ID.99887766")]))
    got = parse_webhook(body).messages[0]
    assert (got.user_id, got.chat_id, got.phone) == ("ID.99887766", "ID.99887766", None)


def test_statuses_with_errors() -> None:
    body = envelope(
        value(
            statuses=[
                status("wamid.A", "sent"),
                status("wamid.A", "delivered"),
                status("wamid.A", "read"),
                status("wamid.B", "failed", 131047),
            ]
        )
    )
    got = parse_webhook(body)
    assert got.messages == []
    assert [(s.wamid, s.status) for s in got.statuses] == [
        ("wamid.A", "sent"),
        ("wamid.A", "delivered"),
        ("wamid.A", "read"),
        ("wamid.B", "failed"),
    ]
    failed = got.statuses[-1]
    assert (failed.error_code, failed.error_title) == (131047, "Re-engagement message")
    assert failed.recipient == BUDI


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"entry": "x"},
        {"entry": [{"changes": [{"value": "x"}]}]},
        {"entry": [{"changes": [{"field": "account_update", "value": {"messages": [{}]}}]}]},
        envelope(value({"type": "text"})),  # no id
    ],
)
def test_malformed_bodies_are_skipped(body: object) -> None:
    batch = parse_webhook(body)
    assert batch.messages == [] and batch.statuses == []
