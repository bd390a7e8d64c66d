"""Incentive status in the chat: the timeline, the milestones, the second-training rule,
overdue warnings, formatting in id and en, and sharing one's own contact."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.conversation.engine import Engine
from bot.core.benefits import Source, Status
from bot.core.clock import FakeClock
from bot.core.domain import InputKind
from bot.core.program import Program
from bot.incentives.tracker import item_specs
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat, make_text


async def _pid(store: SqlStore, user: str = "u1") -> int:
    participant = await store.get_participant("test", user)
    assert participant is not None and participant.id is not None
    return participant.id


async def test_status_shows_the_timeline_in_rupiah(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/status")
    assert "Manfaat kamu:" in chat.text
    assert "🕓 Dana pelatihan, Rp1.000.000: tersedia di dashboard" in chat.text
    assert "⬜ Insentif bulan ke-4, Rp600.000: belum memenuhi syarat" in chat.text
    assert "Survei 3, Rp50.000" in chat.text
    assert (
        "Sudah diterima Rp0 dari Rp2.550.000 pembayaran insentif dan survei; "
        "masih akan datang: Rp2.550.000." in chat.text
    )
    assert "Berikutnya: beli pelatihan pertamamu" in chat.text
    assert "Batas beli pelatihan pertamamu" in chat.text
    assert "Kode referensimu: PK-" in chat.text
    assert "purchase:done" in chat.option_ids


async def test_milestones_lead_to_the_schedule(
    chat: Chat, clock: FakeClock, store: SqlStore
) -> None:
    await onboard(chat)
    await chat.press_any("purchase:done")
    await chat.send("/status")
    assert (
        "✅ Dana pelatihan, Rp1.000.000: sudah dipakai untuk pelatihan pertama (20 November 2021)"
        in chat.text
    )
    assert "Sudah diterima Rp0 dari Rp2.550.000" in chat.text  # the fund is spent, not received
    assert "selesaikan pelatihanmu" in chat.text and "7 hari kerja" in chat.text
    await chat.press("done:certificate")
    assert "Sudah kucatat: “Sertifikat sudah terbit” ✅" in chat.text
    assert "beri rating dan ulasan" in chat.text
    await chat.press("done:review")
    assert "sambungkan rekening bank atau e-wallet" in chat.text
    await chat.press("done:linking")
    assert "Jadwal pembayaranmu muncul di dashboard dalam 24 jam" in chat.text
    assert "Minggu, 21 November 2021 pukul 10.00 WIB" in chat.text
    clock.advance(timedelta(hours=25))
    await chat.send("/status")
    assert "⚠️ Jadwal pembayaranmu seharusnya sudah muncul" in chat.text
    assert "0800-150-3001" in chat.text
    assert "🕓 Insentif bulan ke-1, Rp600.000: menunggu jadwal" in chat.text
    history = await store.benefit_history(await _pid(store))
    assert ("incentive.1", "waiting", "participant") in history
    assert ("training_fund", "paid", "participant") in history


async def test_second_training_changes_nothing(
    chat: Chat, clock: FakeClock, store: SqlStore
) -> None:
    await onboard(chat)
    await chat.press_any("purchase:done")
    await chat.send("/status")
    pid = await _pid(store)
    history = await store.benefit_history(pid)
    clock.advance(timedelta(days=3))
    await chat.press_any("purchase:done")
    assert "Pembelianmu sudah kucatat sebelumnya." in chat.text
    await chat.send("/status")
    assert "sudah dipakai untuk pelatihan pertama (20 November 2021)" in chat.text
    assert await store.benefit_history(pid) == history
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.progress["purchase"] == chat.clock.now() - timedelta(days=3)


async def test_late_certificate_points_to_official_channels(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)
    await chat.press_any("purchase:done")
    await chat.press_any("done:finished")  # Saturday 20 November
    assert "paling lambat 30 November 2021" in chat.text
    clock.advance(timedelta(days=12))  # Thursday 2 December
    await chat.send("/status")
    assert "⚠️ Sertifikatmu terlambat" in chat.text
    assert "bantuan.prakerja.go.id" in chat.text


async def test_english_amounts_and_dates(chat: Chat, store: SqlStore, program: Program) -> None:
    await onboard(chat, zone="WIT")
    await chat.send("/bahasa")
    await chat.press("lang:en")
    pid = await _pid(store)
    specs = item_specs(program.schemes["2021"])
    paid = replace(specs[1], status=Status.PAID, status_on=date(2021, 12, 12), partner="OVO")
    await store.change_benefit_item(pid, paid, Source.OPERATOR, chat.clock.now())
    await chat.send("/status")
    assert "✅ Incentive month 1, IDR600,000: transferred on 12 December 2021 (OVO)" in chat.text
    assert (
        "Received IDR600,000 of IDR2,550,000 in incentive and survey payments; "
        "still to come: IDR1,950,000." in chat.text
    )


async def test_failed_transfer_explains_the_fix(
    chat: Chat, store: SqlStore, program: Program
) -> None:
    await onboard(chat)
    pid = await _pid(store)
    specs = item_specs(program.schemes["2021"])
    failed = replace(specs[2], status=Status.FAILED, reason="nik_mismatch")
    await store.change_benefit_item(pid, failed, Source.OPERATOR, chat.clock.now())
    await chat.send("/status")
    assert "❌ Insentif bulan ke-2 gagal: NIK di rekening atau e-wallet berbeda" in chat.text
    assert "atas nama kamu sendiri" in chat.text


async def test_own_contact_is_stored_in_e164(engine: Engine, chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    msg = make_text("", kind=InputKind.CONTACT, phone="0812-3456-7890", contact_user_id="u1")
    replies = await engine.handle(msg)
    assert "Terima kasih" in replies[0].text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.phone == "+6281234567890"


@pytest.mark.parametrize("owner", ["u9", None])  # someone else's, or a channel that can't tell
async def test_someone_elses_contact_is_refused(
    engine: Engine, chat: Chat, store: SqlStore, owner: str | None
) -> None:
    await onboard(chat)
    msg = make_text("", kind=InputKind.CONTACT, phone="+6281234567890", contact_user_id=owner)
    replies = await engine.handle(msg)
    assert "kontakmu sendiri" in replies[0].text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.phone is None


async def test_telegram_participants_get_a_contact_button(engine: Engine, store: SqlStore) -> None:
    for text in ("/start", "22", "WIB", "/status"):
        replies = await engine.handle(replace(make_text(text), channel="telegram"))
    assert any(r.request_contact for r in replies)


async def test_channel_supplied_phone_is_kept(engine: Engine, store: SqlStore) -> None:
    await engine.handle(make_text("/start", phone="6281234567890"))
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.phone == "+6281234567890"


async def test_free_text_question_gets_the_timeline(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/status")
    assert "Manfaat kamu:" in chat.text
    assert "Sudah diterima Rp0 dari Rp2.550.000" in chat.text
    await chat.send("Insentif saya kok belum cair?")  # a question: the entry's answer
    assert "Insentif dijadwalkan setelah sertifikat terbit" in chat.text
    assert "Rp600.000" in chat.text
