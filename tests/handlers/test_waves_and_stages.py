"""Waves, schemes and stages: a revoked participant cannot rejoin (not by /start either), an
unknown wave needs its announcement date and must have opened, a 2023 participant hears of
BCA, a late onboarding asks the stage first, and the training fund is not money received."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat


async def _revoked(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)  # wave 22, deadline 30 November 2021
    clock.advance(timedelta(days=12))  # 2 December 2021, nothing bought


async def test_revoked_participant_asking_to_rejoin(
    chat: Chat, clock: FakeClock, store: SqlStore
) -> None:
    await _revoked(chat, clock)
    await chat.send("kalo sy daftar lagi di gelombang 23 bisa ga?")
    assert "tidak bisa ikut gelombang berikutnya" in chat.text
    assert "/start" not in chat.text
    await chat.send("/start")  # not onboarded again
    assert "tidak bisa ikut gelombang berikutnya" in chat.text
    assert "gelombang berapa" not in chat.text
    await chat.send("23")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.wave == 22
    assert "30 hari lagi" not in chat.text and "Rp3.550.000" not in chat.text


async def test_unknown_wave_needs_its_date_and_must_have_opened(
    chat: Chat, clock: FakeClock, store: SqlStore
) -> None:
    await chat.send("/start")
    await chat.send("23")  # in November 2021 wave 23 (2022 scheme) has not opened
    assert "gelombang 23 belum dibuka" in chat.text
    assert "gelombang berapa" in chat.text
    clock.set(datetime.fromisoformat("2022-03-10T10:00:00+07:00"))
    await chat.send("23")
    assert "belum punya batas waktu gelombang 23" in chat.text
    await chat.send("1/12/2021")  # before wave 23 could have been announced
    assert "tidak mungkin tanggal pengumumannya" in chat.text
    await chat.send("1/3/2022")
    await chat.press("tz:WIB")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and (saved.wave, saved.scheme) == (23, "2022")
    assert "Kamis, 31 Maret 2022 pukul 23.59 WIB" in chat.text


async def test_2023_participant_asking_about_bca(chat: Chat, clock: FakeClock) -> None:
    clock.set(datetime.fromisoformat("2023-06-10T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("3/6/2023")
    await chat.press("tz:WIB")
    assert "dari satu sumber" in chat.text  # the 15-day window: one weak source
    await chat.send("bisa pakai rekening BCA buat terima insentif?")
    assert "BCA" in chat.text and "BNI" in chat.text
    await chat.send("platform pelatihan apa aja?")
    assert "gelombang 22 (2021)" in chat.text  # another year's list, said so
    await chat.send("insentifnya dibayar berapa kali?")
    assert "sebulan sekali" not in chat.text


async def test_2021_participant_hears_no_bca(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("menu:linking")
    assert "BNI" in chat.text and "BCA" not in chat.text


async def test_late_onboarding_of_someone_already_paid(chat: Chat, clock: FakeClock) -> None:
    clock.set(datetime.fromisoformat("2022-05-01T10:00:00+07:00"))  # wave 22 long over
    await chat.send("/start")
    await chat.send("22")
    await chat.press("tz:WITA")
    assert "sampai mana" in chat.text
    assert "dicabut" not in chat.text
    await chat.press("stage:paid")
    assert "dicabut" not in chat.text
    await chat.send("/status")
    assert "dicabut" not in chat.text
    assert "✅ Pelatihan pertama sudah dibeli (30 November 2021)" in chat.text
    assert "Beli pelatihan pertamamu" not in chat.text


async def test_late_onboarding_stage_typed(chat: Chat, clock: FakeClock) -> None:
    clock.set(datetime.fromisoformat("2022-05-01T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("22")
    await chat.press("tz:WIB")
    await chat.send("udah dapet sertifikat kak")
    assert "dicabut" not in chat.text
    await chat.send("/status")
    assert "✅ Sertifikat sudah terbit" in chat.text


async def test_training_fund_is_not_money_received(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("menu:purchase")
    await chat.press("purchase:done")
    await chat.send("/status")
    assert "Sudah diterima Rp1.000.000" not in chat.text
    assert "Sudah diterima Rp0 dari Rp2.550.000 pembayaran insentif dan survei" in chat.text


async def test_a_question_that_names_the_stage_is_answered_too(
    chat: Chat, clock: FakeClock
) -> None:
    """The stage question's typed answer carries a question: the stage is noted AND the
    question answered (first), not swallowed by the onboarding."""
    clock.set(datetime.fromisoformat("2022-05-01T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("22")
    await chat.press("tz:WIB")
    replies = await chat.send(
        "min sertifikat udh keluar 2 minggu lalu tapi insentif aku kok blm cair2 ya, pake ovo"
    )
    assert len(replies) == 2
    assert "Oke, dicatat" in replies[1].text  # the stage noted, the menu after it
    assert "Oke, dicatat" not in replies[0].text and replies[0].text.strip()
    assert "Sertifikat sudah terbit" in replies[0].text or "insentif" in replies[0].text.lower()


async def test_a_question_about_a_stage_does_not_claim_it(chat: Chat, clock: FakeClock) -> None:
    """ "kapan sertifikat keluar?" at the stage question asks about the certificate: nothing is
    recorded, the question is answered, and the stage is asked again."""
    clock.set(datetime.fromisoformat("2021-12-05T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("22")
    await chat.press("tz:WIB")
    replies = await chat.send("kapan sertifikat keluar")
    assert "dicatat" not in chat.text
    assert "sertifikat" in replies[0].text.lower() and "hari kerja" in replies[0].text
    assert "sampai mana" in replies[-1].text
    await chat.send("/status")
    assert "✅ Sertifikat sudah terbit" not in chat.text


async def test_a_question_at_the_stage_question_gets_its_entry(
    chat: Chat, clock: FakeClock
) -> None:
    """A question the onboarding's asides don't cover ("gmn cara cek insentif") is answered
    from the knowledge base before the stage is asked again, not dropped."""
    clock.set(datetime.fromisoformat("2021-12-05T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("22")
    await chat.press("tz:WIB")
    replies = await chat.send("gmn cara cek insentif")
    assert len(replies) == 2
    assert "insentif" in replies[0].text.lower() and "sampai mana" not in replies[0].text
    assert "sampai mana" in replies[1].text
