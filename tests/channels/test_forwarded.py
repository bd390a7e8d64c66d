"""Forwarded messages on both channels (Telegram's forward_origin through the real PTB stack,
WhatsApp's forwarded context through the signed webhook): a scam is flagged with where to
report it and kept redacted for the operator; an official notice is named as official."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.channels.telegram_support import TelegramDriver, joined
from tests.channels.whatsapp_support import BUDI, Rig, envelope, text, texts, value, whatsapp_rig
from tests.fakes.telegram_updates import text_json

SCAM = (
    "Admin Prakerja: insentif Anda tertahan. Cukup bayar biaya admin Rp150.000, lalu kirim "
    "kode OTP ke WA 0812-9876-5432. Daftar ulang di https://prakerja-go.id/verifikasi"
)
OFFICIAL = "Punya kendala? Kunjungi https://bantuan.prakerja.go.id atau hubungi 0800-150-3001"
ORIGIN = {"type": "hidden_user", "sender_user_name": "Grup Alumni", "date": 1637377000}


@pytest.fixture
async def rig(engine: Engine, store: SqlStore, clock: FakeClock) -> AsyncIterator[Rig]:
    async with whatsapp_rig(engine, store, clock) as running:
        yield running


def _scam_reply(said: str) -> None:
    assert "penipuan" in said
    assert "prakerja-go.id memakai nama Prakerja" in said and "meminta uang" in said
    assert "bantuan.prakerja.go.id" in said and "0800-150-3001" in said  # where to report
    assert "aduankonten.id" in said


async def _flagged(store: SqlStore, clock: FakeClock) -> list[Any]:
    return await store.list_flagged(10, clock.now() - timedelta(days=1))


async def test_telegram_forwarded_scam(
    tg: TelegramDriver, store: SqlStore, clock: FakeClock
) -> None:
    await tg.send("/start")
    sent = await tg.feed(text_json(SCAM, forward_origin=ORIGIN))
    _scam_reply(joined(sent))
    (kept,) = await _flagged(store, clock)
    assert kept.forwarded and "lookalike" in kept.signs and "asks_money" in kept.signs
    assert "0812-9876-5432" not in kept.text  # phone numbers are not kept


async def test_telegram_old_style_forward_is_seen(tg: TelegramDriver, engine: Engine) -> None:
    seen = []
    original = engine.handle

    async def spy(msg):  # type: ignore[no-untyped-def]
        seen.append(msg)
        return await original(msg)

    engine.handle = spy  # type: ignore[method-assign]
    await tg.feed(text_json("halo", forward_date=1637377000, forward_sender_name="Budi"))
    await tg.feed(text_json("halo", forward_origin=ORIGIN))
    await tg.send("halo")
    assert [m.forwarded for m in seen] == [True, True, False]


async def test_telegram_forwarded_official_notice(
    tg: TelegramDriver, store: SqlStore, clock: FakeClock
) -> None:
    await tg.send("/start")
    sent = await tg.feed(text_json(OFFICIAL, forward_origin=ORIGIN))
    said = joined(sent)
    assert "bantuan.prakerja.go.id adalah alamat resmi Kartu Prakerja" in said
    assert "penipuan" not in said
    assert await _flagged(store, clock) == []


async def test_whatsapp_forwarded_scam(rig: Rig, store: SqlStore, clock: FakeClock) -> None:
    await rig.say("/start")
    body = text(SCAM, BUDI, context={"forwarded": True})
    assert await rig.post(envelope(value(body))) == 200
    _scam_reply(texts(rig.graph.to(BUDI)))
    (kept,) = await _flagged(store, clock)
    assert kept.forwarded


async def test_whatsapp_frequently_forwarded_official(
    rig: Rig, store: SqlStore, clock: FakeClock
) -> None:
    await rig.say("/start")
    before = len(rig.graph.to(BUDI))
    body = text(OFFICIAL, BUDI, context={"forwarded": True, "frequently_forwarded": True})
    assert await rig.post(envelope(value(body))) == 200
    said = texts(rig.graph.to(BUDI)[before:])
    assert "alamat resmi Kartu Prakerja" in said and "penipuan" not in said
    assert await _flagged(store, clock) == []


async def test_a_look_alike_link_typed_is_flagged_too(rig: Rig) -> None:
    await rig.say("/start")
    await rig.say("22")
    await rig.press("tz:WIB")
    said = texts(await rig.say("kak ini bener ga prakerja.info/daftar"))
    assert "prakerja.info memakai nama Prakerja" in said
