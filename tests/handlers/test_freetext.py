"""Free text through the whole conversation: every intent answers with the participant's data."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot import knowledge
from bot.core.clock import FakeClock
from bot.core.domain import Step
from bot.storage.store import SqlStore
from tests.conftest import KB_FIXTURE, onboard
from tests.db import dump
from tests.helpers import Chat


async def _typed(chat: Chat, text: str) -> str:
    await onboard(chat)
    await chat.send(text)
    return chat.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("halo min", "Halo lagi!"),
        ("aku bingung harus ngapain, bisa bantu apa aja?", "/pengingat"),
        ("cara masuk ke dashboard prakerja gmn", "Login di www.prakerja.go.id"),
        ("platform pelatihan apa aja ya kak", "Pelatihan bisa dibeli di platform berikut:"),
        ("gmn cara bayar pelatihan pake kartu", "Pilih pelatihan di platform"),
        ("cara sambungin rekening ke ovo", "Insentifmu dibayar ke rekening bank (BNI)"),
        ("otp nya gak masuk masuk", "Masukkan OTP hanya di website"),
        ("insentif aku kok blm cair", "Progresmu:"),
        ("hubungi cs prakerja yg resmi dmn", "0800-150-3001"),
    ],
)
async def test_topics_answer_through_their_handlers(chat: Chat, typed: str, expected: str) -> None:
    knowledge.use(KB_FIXTURE.with_name("kb-empty"))  # what answers when no entry fits
    try:
        assert expected in await _typed(chat, typed)
    finally:
        knowledge.use(KB_FIXTURE)


async def test_deadline_is_the_participants_own(chat: Chat) -> None:
    text = await _typed(chat, "sampe kapan hrs beli pelatihan gan")
    assert "Selasa, 30 November 2021 pukul 23.59 WIB — 10 hari lagi" in text


async def test_deadline_in_the_participants_zone(chat: Chat) -> None:
    await onboard(chat, zone="WITA")
    await chat.send("deadline beli pelatihan kapan ya")
    assert "(di tempatmu: Rabu, 1 Desember 2021 pukul 00.59 WITA) — 10 hari lagi" in chat.text


async def test_incentive_info_uses_the_program_amounts(chat: Chat) -> None:
    text = await _typed(chat, "dapet duit brp aja sih dr prakerja")
    assert "Rp3.550.000" in text
    assert "Rp1.000.000" in text and "Rp600.000" in text and "Rp50.000" in text


async def test_certificate_survey_sanctions_next_wave_thanks(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("sertifikat aku blm muncul di dashboard")
    assert "7 hari kerja" in chat.text
    await chat.send("survei evaluasi nya gmn")
    assert "3 survei" in chat.text and "Rp50.000" in chat.text
    assert "survei@prakerja.go.id" in chat.text and "10 Desember 2021" in chat.text
    await chat.send("kalo telat beli pelatihan apa sanksinya")
    assert "Batas beli pelatihan pertamamu" in chat.text
    assert "menu:purchase" in chat.option_ids
    await chat.send("kapan gelombang berikutnya dibuka")
    assert "joki" in chat.text
    await chat.send("makasih banyak kak")
    assert "Sama-sama" in chat.text and "menu:status" in chat.option_ids


async def test_purchased_asks_then_records(chat: Chat, store: SqlStore) -> None:
    await _typed(chat, "aku udh beli pelatihan kak")
    assert chat.option_ids == ["purchase:yes", "purchase:no"]
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step == Step.CONFIRM_PURCHASE
    assert "purchase" not in saved.progress
    await chat.send("iya udah")
    assert "pembelianmu sudah kucatat" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" in saved.progress and saved.step == Step.MENU


async def test_purchased_no_records_nothing(chat: Chat, store: SqlStore) -> None:
    await _typed(chat, "sudah bayar kelas")
    await chat.press("purchase:no")
    assert "Batas beli pelatihan pertamamu" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" not in saved.progress and saved.step == Step.MENU


@pytest.mark.parametrize(
    "typed",
    [
        "sy blm pernah beli pelatihan online, klo udh beli tp ga selesai gmn",
        "kalau sudah beli pelatihan harus ngapain",
    ],
)
async def test_a_negated_or_supposed_purchase_is_not_offered(
    chat: Chat, store: SqlStore, typed: str
) -> None:
    await _typed(chat, typed)
    assert "purchase:yes" not in chat.option_ids
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step != Step.CONFIRM_PURCHASE


async def test_purchase_button_yes(chat: Chat, store: SqlStore) -> None:
    await _typed(chat, "pelatihan udah kebeli")
    await chat.press("purchase:yes")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" in saved.progress


async def test_something_else_during_a_confirmation_is_understood(
    chat: Chat, store: SqlStore
) -> None:
    await _typed(chat, "aku udh beli pelatihan")
    await chat.send("otp nya ga masuk")
    assert "Masukkan OTP hanya di website" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" not in saved.progress and saved.step == Step.MENU


async def test_stop_reminders_asks_then_stops(chat: Chat, store: SqlStore) -> None:
    await _typed(chat, "tolong jgn ingetin aku lg")
    assert chat.option_ids == ["stop:yes", "stop:no"]
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step == Step.CONFIRM_STOP and saved.reminders_enabled
    await chat.send("ya")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and not saved.reminders_enabled and saved.step == Step.MENU


async def test_stop_reminders_no_keeps_them(chat: Chat, store: SqlStore) -> None:
    await _typed(chat, "matiin notif")
    await chat.send("gak jadi")
    assert "tetap menyala" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.reminders_enabled


async def test_delete_data_asks_like_the_command(chat: Chat, store: SqlStore) -> None:
    await _typed(chat, "tolong hapus semua data aku")
    assert chat.option_ids == ["delete:yes", "delete:no"]
    await chat.send("ya")
    assert await store.get_participant("test", "u1") is None


async def test_unknown_says_what_the_bot_does_and_offers_a_person(chat: Chat) -> None:
    await _typed(chat, "resep rendang padang dong")
    assert "hanya bisa membantu soal Kartu Prakerja" in chat.text  # out of scope: said so
    assert "intent:human" in chat.option_ids


async def test_low_confidence_offers_the_likeliest_entries(chat: Chat) -> None:
    await _typed(chat, "blokir atau admin")
    offered = [o for o in chat.option_ids if o.startswith("kb:")]
    assert set(offered) == {"kb:akun-diblokir", "kb:admin-palsu"}  # only plausible ones
    assert "Maksudmu salah satu ini?" in chat.text
    assert "intent:human" in chat.option_ids
    second = offered[1].removeprefix("kb:")
    await chat.send("yang kedua")  # a typed choice picks the option
    expected = "Itu penipuan" if second == "admin-palsu" else "hanya bisa ditinjau"
    assert expected in chat.text


async def test_outdated_topic_button(chat: Chat) -> None:
    await onboard(chat)
    await chat.press_any("intent:nonsense")
    assert "menu:dashboard" in chat.option_ids


@pytest.mark.parametrize(
    ("typed", "secret", "expected"),
    [
        ("kode otp 123456 gak masuk", "123456", "menunggu"),  # the OTP entry's wait
        (
            "nik aku 3201234567890123 kok ga bisa login dashboard",
            "3201234567890123",
            "Lupa Password",
        ),
    ],
)
async def test_secret_is_warned_about_and_the_rest_understood(
    chat: Chat, store: SqlStore, shipped: None, typed: str, secret: str, expected: str
) -> None:
    await onboard(chat)
    replies = await chat.send(typed)
    assert replies[0].text.startswith("⚠️")
    assert expected in chat.text
    assert all(secret not in r.text for r in replies)
    assert all(secret not in o.label and secret not in o.id for r in replies for o in r.options)


async def test_secret_alone_only_warns(chat: Chat) -> None:
    await onboard(chat)
    replies = await chat.send("482913")
    assert replies[0].text.startswith("⚠️")
    assert "482913" not in chat.text
    assert "menu:dashboard" in chat.option_ids


async def test_english_participant(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/bahasa")
    await chat.press("lang:en")
    await chat.send("when is my deadline?")
    assert "Tuesday, 30 November 2021" in chat.text


async def test_another_button_drops_the_pending_question(chat: Chat, store: SqlStore) -> None:
    await _typed(chat, "aku udh beli pelatihan")
    await chat.press_any("menu:help")
    await chat.send("ya")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" not in saved.progress
    assert saved.step == Step.MENU


async def test_a_command_drops_the_pending_question(chat: Chat, store: SqlStore) -> None:
    await _typed(chat, "stop kirim pesan")
    await chat.send("/bantuan")
    await chat.send("ya")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.reminders_enabled


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("kalo beli tgl 29 masih keburu ga", "29 November 2021 masih sebelum batas waktumu"),
        ("batas akhirnya tgl 30/11 kan?", "30 November 2021 adalah hari batas waktumu"),
        ("beli tgl 2 desember masih sempat ga", "2 Desember 2021 sudah lewat batas waktumu"),
    ],
)
async def test_deadline_checks_the_date_asked_about(chat: Chat, typed: str, expected: str) -> None:
    text = await _typed(chat, typed)
    assert "Batas beli pelatihan pertamamu" in text
    assert expected in text


async def test_secret_before_onboarding_only_warns(chat: Chat) -> None:
    await chat.send("/start")
    replies = await chat.send("kode otp 123456 gak masuk")
    assert replies[0].text.startswith("⚠️")
    assert "gelombang berapa" in chat.text
    assert "123456" not in chat.text


async def test_secret_is_neither_stored_nor_logged(
    chat: Chat, store: SqlStore, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await onboard(chat)
    await chat.send("kode otp 918273 gak masuk")
    assert "918273" not in await dump(store)
    await store.close()
    for path in db_path.parent.iterdir():  # SQLite's files, their free space and WAL too
        assert b"918273" not in path.read_bytes()
    assert "918273" not in caplog.text


async def test_a_failure_notice_wins_over_the_older_status(chat: Chat) -> None:
    await onboard(chat)
    await chat.send(
        "min status insentif di dashboard masih DALAM PENGECEKAN sedangkan di notif "
        "tertulis insentif anda gagal dicairkan, pake ovo. gimana ini"
    )
    assert "tidak berhasil" in chat.text or "gagal" in chat.text.lower()
    assert "OVO" in chat.text and "1500696" in chat.text  # OVO's line, not BNI's
    assert "1500046" not in chat.text


async def test_belum_di_proses_with_a_space_is_the_status(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("insentif saya statusnya belum di proses terus dari minggu lalu kak")
    assert "Belum Di Proses" in chat.text


async def test_a_long_post_with_a_pasted_status_explains_the_status(chat: Chat) -> None:
    await onboard(chat)
    await chat.send(
        "Assalamualaikum kak. Saya peserta gelombang 22, sudah selesai pelatihan dan sudah "
        "kasih ulasan. Tadi cek status insentif tulisannya GAGAL, sedangkan kemarin DIJADWALKAN. "
        "Rekening saya DANA sudah premium. Ada yg sama? Mohon pencerahannya"
    )
    assert "Gagal → Dijadwalkan" in chat.text
    assert "Yang gagal itulah yang perlu kamu urus" in chat.text  # the failure, not the date
    assert "DANA" in chat.text and "1500445" in chat.text


async def test_an_entry_names_the_wallet_of_the_post(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("kenapa ovo saya gagal disambung ke prakerja terus")
    assert "OVO 1500696" in chat.text
    assert "BNI" not in chat.text


async def test_still_not_working_after_an_entry_walks_its_steps_then_a_person(
    chat: Chat,
) -> None:
    await onboard(chat)
    await chat.send("ewallet gopay gagal disambungkan terus min")
    assert "kb:" + "insentif-belum-cair" in chat.option_ids  # the related entry
    await chat.send("masih belum bisa")
    assert "Putuskan sambungan" in chat.text
    await chat.send("tetap gagal")
    assert "GoPay (021) 50849000" in chat.text  # the wallet of the first post
    await chat.send("masih gagal juga")
    assert "tidak bisa kuselesaikan dari sini" in chat.text


async def test_two_questions_answer_the_urgent_one_and_the_other_briefly(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("akun saya diblokir kenapa ya. terus insentif saya juga belum cair")
    assert len(chat.replies) == 2
    assert "Insentif dijadwalkan" in chat.replies[0].text  # the urgent one first
    assert "hanya bisa ditinjau" in chat.replies[1].text  # then the other, briefly


async def test_after_a_missed_deadline_linking_is_not_offered(
    chat: Chat, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=40))
    await chat.send("kenapa ovo saya gagal disambung ke prakerja terus")
    assert "dicabut" in chat.text or "batas" in chat.text
    assert "Putuskan sambungan" not in chat.text


async def test_words_of_an_offered_title_pick_it(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("blokir atau admin")
    assert "Maksudmu salah satu ini?" in chat.text
    await chat.send("admin palsu")
    assert "Itu penipuan" in chat.text


async def test_after_a_missed_deadline_no_related_linking_is_offered(
    chat: Chat, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.send("insentif saya belum cair")
    assert "kb:sambung-gagal" in chat.option_ids  # the related entry, while it still counts
    clock.advance(timedelta(days=40))
    await chat.send("insentif saya belum cair")
    assert "Insentif dijadwalkan" in chat.text
    assert "kb:sambung-gagal" not in chat.option_ids
