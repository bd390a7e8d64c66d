"""The safety rule and deleting everything: checked in the database file and the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.conversation.engine import Engine
from bot.core.domain import InputKind
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.db import dump, rows
from tests.helpers import Chat, make_choice

SECRETS = [
    ("kode otp 482913", "482913", "kode OTP"),
    ("482913", "482913", "kode OTP"),
    ("otp nya 4829 ga bisa", "4829", "kode OTP"),
    ("NIK saya 3201234567890123", "3201234567890123", "NIK"),
    ("3201 2345 6789 0123", "3201 2345 6789 0123", "NIK"),
    ("pin saya 123456", "123456", "PIN"),
    ("password: Budi1990", "Budi1990", "password"),
    ("no rek 1234567890", "1234567890", "rekening"),
    ("32.01.12.3456.7890.12", "3456.7890", "NIK"),
    ("nik saya 3201-12-34-5678-9012", "5678-9012", "NIK"),
    ("rek BCA 123 456 7890", "456 7890", "rekening"),
    ("kode 123-456", "123-456", "kode OTP"),
]


@pytest.mark.parametrize(("message", "secret", "warning"), SECRETS)
async def test_secret_is_warned_about_never_kept(
    chat: Chat,
    store: SqlStore,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    message: str,
    secret: str,
    warning: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    await onboard(chat)
    replies = await chat.send(message)
    assert replies[0].text.startswith("⚠️")
    assert warning in replies[0].text
    assert all(secret not in r.text for r in replies)
    assert all(secret not in o.label for r in replies for o in r.options)
    assert secret not in await dump(store)
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        assert secret.encode() not in wal.read_bytes()
    assert secret not in caplog.text


async def test_secret_during_onboarding_repeats_the_question(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("123456")
    assert "Kamu mengirim kode OTP-mu. Jangan bagikan ke siapa pun, termasuk bot ini" in chat.text
    assert "gelombang berapa" in chat.text


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "Pesanmu kosong"),
        ("   \t ", "Pesanmu kosong"),
        ("x" * 5000, "terlalu panjang"),
        ("🙂🙏🔥", "hanya bisa membaca teks"),
        ("\x00\x07\x1b", "Pesanmu kosong"),
    ],
)
async def test_unusable_messages_get_a_polite_answer(
    chat: Chat, message: str, expected: str
) -> None:
    await onboard(chat)
    await chat.send(message)
    assert expected in chat.text
    assert "menu:dashboard" in chat.option_ids


async def test_control_characters_are_dropped_not_fatal(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("2\x002")
    await chat.send("\x1b22")
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]


async def test_unsupported_kinds_ask_for_text(engine: Engine, chat: Chat) -> None:
    await onboard(chat)
    message = make_choice("", "u1")
    replies = await engine.handle(
        type(message)(
            channel="test", user_id="u1", chat_id="u1", at=message.at, kind=InputKind.UNSUPPORTED
        )
    )
    assert "pesan teks" in replies[0].text


async def test_delete_leaves_no_row(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.press("menu:purchase")
    await chat.press("purchase:done")
    await chat.send("/hapus")
    assert chat.option_ids == ["delete:yes", "delete:no"]
    await chat.press("delete:yes")
    assert "sudah dihapus" in chat.text
    for table in ("participants", "progress", "outbox"):
        assert await rows(store, table) == [], table
    await chat.send("halo")  # the next message starts fresh
    assert "gelombang berapa" in chat.text


async def test_delete_can_be_declined(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("/hapus")
    await chat.send("tidak")
    assert "tidak ada yang dihapus" in chat.text
    assert await store.get_participant("test", "u1") is not None
