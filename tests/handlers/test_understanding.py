"""Conversation scripts for reading real posts: pasted statuses, two topics, follow-ups in
context, escalation, free text in onboarding, the passed deadline, short answers, secrets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.conversation.context import Context
from bot.core.clock import FakeClock
from bot.core.domain import Option, Participant, Reply, Step
from bot.core.i18n import Translator
from bot.core.program import Program
from bot.storage.store import SqlStore
from handlers import brevity, memory
from handlers.freetext import INTENTS
from handlers.router import ACTIONS
from tests.conftest import onboard
from tests.helpers import Chat, make_choice

MAX_MESSAGES = 2
MAX_CHARS = 600


def _short(chat: Chat) -> None:
    assert 1 <= len(chat.replies) <= MAX_MESSAGES, chat.text
    assert all(len(r.text) <= MAX_CHARS for r in chat.replies), [len(r.text) for r in chat.replies]


async def test_long_post_with_pasted_statuses(chat: Chat) -> None:
    await onboard(chat)
    await chat.send(
        "Assalamualaikum min, mau tanya. Insentif sy jadwalnya tgl 22 tp tgl 21 malem "
        "tulisannya GAGAL, besoknya jd DALAM PENGECEKAN, skrg malah BELUM DIPROSES. ini "
        "maksudnya gmn ya? ada yg sama? mohon pencerahannya 🙏"
    )
    _short(chat)
    assert "Gagal → Dalam Pengecekan → Belum Diproses" in chat.text
    assert "“Belum Diproses” biasanya muncul setelah pengecekan" in chat.text
    assert "belum paham" not in chat.text


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        ("status insentifku Menunggu Diproses terus", "pelatihanmu belum selesai"),
        ("insentif ke 2 SEDANG DIPROSES udah seminggu", "transfer sedang berjalan"),
        ("insentif ku sdg diproses dr kemarin", "“Sedang Diproses” artinya transfer"),
        ("status insentif dlm pengecekan trs", "sedang mencocokkan data rekeningmu"),
        ("di dashboard tulisannya Kamu Belum Berhasil min", "belum lolos seleksi"),
        ("kok Gelombang Tidak Ditemukan ya pas aku buka", "belum ada gelombang"),
        (
            "insentif sudah berhasil ditransfer tp saldo DANA ga nambah",
            "layanan pelanggan DANA (1500445)",
        ),
        ("insentif aku gagal dicairkan ke ovo", "layanan pelanggan OVO (1500696)"),
        ("insentif ke 3 kok DANA TERTAHAN ya min?", "pembayaranmu ditahan"),
    ],
)
async def test_each_pasted_status_says_what_it_means(chat: Chat, post: str, expected: str) -> None:
    await onboard(chat)
    await chat.send(post)
    _short(chat)
    assert expected in chat.text


async def test_two_topics_most_urgent_first_the_other_offered(chat: Chat) -> None:
    await onboard(chat)
    await chat.send(
        "min otp ku ga masuk masuk dari kemarin. terus batas beli pelatihan aku kapan ya? makasih"
    )
    _short(chat)
    assert "Batas beli pelatihan pertamamu" in chat.text  # the deadline before the OTP
    assert "intent:otp" in chat.option_ids
    await chat.press("intent:otp")
    assert "Masukkan OTP hanya di website" in chat.text


async def test_thanks_inside_a_question_does_not_win(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("makasih infonya kak, tapi sertifikat aku blm muncul di dashboard")
    assert "7 hari kerja" in chat.text
    assert not chat.text.startswith("Sama-sama")


@pytest.mark.parametrize("typed", ["ok", "👍", "makasih", "sip kak", "🙏"])
async def test_acknowledgements_are_not_misunderstood(chat: Chat, typed: str) -> None:
    await onboard(chat)
    await chat.send(typed)
    assert "belum paham" not in chat.text and "hanya bisa membaca teks" not in chat.text
    assert "menu:dashboard" in chat.option_ids


async def test_asking_for_a_person(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    assert "0800-150-3001" in chat.text and "bukan orang" in chat.text


async def test_follow_ups_in_context(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)
    await chat.send("batas beli pelatihan aku kapan ya")
    await chat.send("kalau tanggal 28?")
    assert "28 November 2021 masih sebelum batas waktumu" in chat.text
    await chat.send("terus gimana?")  # after the deadline comes buying
    assert "Pilih pelatihan di platform" in chat.text
    await chat.send("otp nya ga masuk kak")
    first = chat.text
    await chat.send("terus gimana?")
    assert "OTP masih belum masuk? Pastikan kartu SIM" in chat.text and chat.text != first
    clock.advance(timedelta(minutes=31))  # the thread is forgotten after 30 minutes
    await chat.send("terus gimana?")
    assert "kartu SIM" not in chat.text and "Tunggu 1 jam" not in chat.text
    assert "Soal apa?" in chat.text and "menu:dashboard" in chat.option_ids


async def test_a_problem_reported_again_moves_on_then_to_a_person(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("otp aku ga masuk2 kak")
    first = chat.text
    assert "Masukkan OTP hanya di website" in first
    await chat.send("masih belum masuk")
    second = chat.text
    assert second != first and "kartu SIM" in second
    await chat.send("tetap ga masuk juga")
    assert "tidak bisa kuselesaikan dari sini" in chat.text
    assert "0800-150-3001" in chat.text and "OVO 1500696" in chat.text


async def test_the_still_button_moves_on_too(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("menu:otp")
    await chat.press("followup:otp")
    assert "kartu SIM" in chat.text
    await chat.press("followup:otp")
    assert "tidak bisa kuselesaikan dari sini" in chat.text


async def test_free_text_during_onboarding(chat: Chat, store: SqlStore) -> None:
    await chat.send("/start")
    await chat.send("min sebelum itu, e-wallet apa aja yg bisa buat terima insentif?")
    assert "OVO, GoPay, LinkAja, DANA" in chat.text  # the question is answered...
    assert "gelombang berapa" in chat.replies[-1].text  # ...and onboarding resumes
    _short(chat)
    await chat.send("lupa gelombang brp")
    assert "Riwayat Gelombang" in chat.text and "gelombang berapa" in chat.text
    await chat.send("bla bla qwerty")  # neither an answer nor a question: kept for the operator
    assert "gelombang berapa" in chat.text
    assert [(m.text, m.step) for m in await store.list_unknown(5)] == [
        ("bla bla qwerty", "ask_wave")
    ]
    await chat.send("aku peserta gel 22 ya")
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]
    await chat.send("wita kak")
    assert "WITA) — 10 hari lagi" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.wave == 22 and saved.step == Step.MENU


async def test_announcement_date_inside_a_sentence(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("aku lolos tanggal 1 november 2021 kak")
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]


async def test_after_the_deadline_nothing_promises_the_benefit(
    chat: Chat, clock: FakeClock, store: SqlStore
) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=11))  # 1 December 2021, the deadline has passed
    said = []
    for typed in ("/status", "batas beli pelatihan kapan", "kalau telat apa sanksinya"):
        await chat.send(typed)
        _short(chat)
        said.append(chat.text)
    for action in ("menu:purchase", "menu:status"):
        await chat.press_any(action)
        said.append(chat.text)
    for text in said:
        assert "sebelum batas waktu" not in text
        assert "masih akan datang" not in text
    assert "kepesertaan dicabut" in said[0]
    await chat.send("sudah beli tgl 1 des kok")
    assert "sudah lewat dari batas waktumu" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" not in saved.progress


async def test_a_typed_purchase_date_is_confirmed_first(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("aku udah beli pelatihan tgl 18 kemarin")
    assert chat.option_ids[:2] == ["fact:yes", "fact:no"]
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" not in saved.progress
    await chat.send("iya")
    assert "Tercatat" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.progress["purchase"].day == 18


async def test_a_typed_purchase_date_declined(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("udah beli tgl 19")
    await chat.press("fact:no")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" not in saved.progress


async def test_heaviest_answers_fit_two_messages(chat: Chat) -> None:
    await onboard(chat)
    for action in [a for a in ACTIONS if a.startswith("menu:")]:
        await chat.press_any(action)
        _short(chat)
    for name in INTENTS:
        await chat.press_any(f"intent:{name}")
        _short(chat)
    for command in ("/status", "/bantuan", "/menu"):
        await chat.send(command)
        _short(chat)


async def test_status_is_two_messages_progress_then_benefits(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/status")
    assert len(chat.replies) == 2
    assert "Progresmu:" in chat.replies[0].text and "Batas beli" in chat.replies[0].text
    assert "Manfaat kamu:" in chat.replies[1].text and "Berikutnya:" in chat.replies[1].text


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("nik saya 3201234567890123 kok ditolak", "NIK-mu"),
        ("no kk 3201234567890123 bisa dipakai?", "nomor KK-mu"),
        ("nomor kartu prakerja 3201234567890123 aku mana ya", "nomor Kartu Prakerja-mu"),
        ("pin saya 123456 salah terus", "PIN-mu"),
        ("password aku abc12345 kok ga bisa login", "password-mu"),
        ("no rek 1234567890 bisa buat insentif?", "nomor rekening bank-mu"),
        ("kode otp nya 482913 ga bisa dipake", "kode OTP-mu"),
    ],
)
async def test_the_right_secret_is_named_once(chat: Chat, typed: str, named: str) -> None:
    await onboard(chat)
    await chat.send(typed)
    assert chat.replies[0].text.startswith("⚠️ Kamu mengirim " + named)
    assert chat.text.count("⚠️") == 1 and chat.text.count("termasuk bot ini") == 1
    _short(chat)


async def test_the_otp_menu_item_helps_and_takes_no_otp(chat: Chat) -> None:
    await onboard(chat)
    labels = [o.label for r in chat.replies for o in r.options]
    assert "Masalah OTP" in labels and "Masukkan OTP" not in labels
    await chat.press("menu:otp")
    assert "Masukkan OTP hanya di website" in chat.text and "termasuk bot ini" in chat.text


async def test_not_understood_is_kept_redacted_and_hapus_removes_it(
    chat: Chat, store: SqlStore
) -> None:
    await onboard(chat)
    await chat.send("resep rendang padang dong, pin aku 123456")
    await chat.send("resep rendang padang dong")
    assert "hanya bisa membantu soal Kartu Prakerja" in chat.text  # out of scope: said so
    kept = await store.list_unknown(10)
    assert kept and all("123456" not in m.text for m in kept)
    assert kept[0].text == "resep rendang padang dong" and kept[0].step == "menu"
    assert kept[0].guesses  # the classifier's best guesses go with it
    await chat.send("/hapus")
    await chat.send("ya")
    assert await store.list_unknown(10) == []


async def test_asking_what_next_does_not_count_as_a_report(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("otp aku ga masuk2 kak")
    await chat.send("terus gimana?")  # the next step, not a second report
    assert "kartu SIM" in chat.text
    await chat.send("masih belum")  # the second report: the step after
    assert "Tunggu 1 jam" in chat.text
    await chat.send("masih belum juga")  # the third: a person
    assert "tidak bisa kuselesaikan dari sini" in chat.text


async def test_a_long_answer_waits_behind_show_details(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    participant = await store.save_participant(
        Participant("test", "u9", "u9", "id", "Asia/Jakarta", "PK-AAAAAA", clock.now())
    )
    ctx = Context(participant, program, clock, store, Translator("id", "Asia/Jakarta"))
    long = [Reply(f"{n} " + "kata " * 100) for n in range(4)]
    shown = await brevity.fit(ctx, [*long[:3], Reply(long[3].text, (Option("menu:show", "x"),))])
    assert len(shown) == 2 and shown[-1].options[0].id == brevity.MORE
    await memory.save(ctx)
    ctx = Context(participant, program, clock, store, Translator("id", "Asia/Jakarta"))
    rest = await brevity.show_more(ctx, make_choice(brevity.MORE))
    assert [r.text for r in rest] == [long[2].text, long[3].text]
    assert [o.id for o in rest[-1].options] == ["menu:show"]


async def test_bought_it_after_the_deadline_asks_the_date_and_is_honest(
    chat: Chat, clock: FakeClock, store: SqlStore
) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=11))  # 1 December: the deadline has passed
    await chat.press_any("purchase:done")  # e.g. from the deadline-passed notice
    assert "tanggal berapa" in chat.text.lower() or "hari apa" in chat.text.lower()
    saved = await store.get_participant("test", "u1")
    assert saved is not None and "purchase" not in saved.progress
    await chat.send("tgl 1 des")
    assert "sudah lewat dari batas waktumu" in chat.text
    await chat.press_any("purchase:done")
    await chat.send("tanggal 28")
    await chat.press("fact:yes")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.progress["purchase"].day == 28


async def test_a_wave_in_a_post_changes_the_deadline_after_a_yes(
    chat: Chat, store: SqlStore
) -> None:
    await chat.send("/start")
    await chat.send("1/11/2021")
    await chat.press("tz:WIB")
    await chat.send("oh iya aku peserta gelombang 22 kak")
    assert chat.option_ids[:2] == ["fact:yes", "fact:no"]
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.wave is None
    await chat.send("iya")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.wave == 22
    assert "30 November 2021" in chat.text


async def test_an_announcement_date_in_a_post_is_confirmed_first(
    chat: Chat, store: SqlStore
) -> None:
    await chat.send("/start")
    await chat.send("1/11/2021")
    await chat.press("tz:WIB")
    await chat.send("eh salah kak, aku lolos tanggal 2 november 2021")
    assert chat.option_ids[:2] == ["fact:yes", "fact:no"]
    await chat.press("fact:yes")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.announced_on is not None
    assert saved.announced_on.day == 2 and "Kamis, 2 Desember 2021" in chat.text


async def test_status_with_many_paid_items_stays_two_short_messages(
    chat: Chat, store: SqlStore, program: Program
) -> None:
    from dataclasses import replace as with_
    from datetime import date

    from bot.core.benefits import Source, Status
    from bot.incentives.tracker import item_specs

    await onboard(chat)
    await chat.press_any("purchase:done")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.id is not None
    specs = item_specs(program.schemes["2021"])
    for n, spec in enumerate(specs[1:5]):
        paid = with_(spec, status=Status.PAID, status_on=date(2021, 12, 10 + n), partner="LinkAja")
        await store.change_benefit_item(saved.id, paid, Source.OPERATOR, chat.clock.now())
    failed = with_(specs[5], status=Status.FAILED, reason="nik_mismatch")
    await store.change_benefit_item(saved.id, failed, Source.OPERATOR, chat.clock.now())
    await chat.send("/status")
    _short(chat)
    assert "5 item sudah diterima atau dipakai, terakhir 13 Desember 2021" in chat.text
    assert "❌ Survei 1 gagal" in chat.text  # the one next step is still shown


async def test_a_question_as_the_very_first_message_is_answered(
    chat: Chat, store: SqlStore
) -> None:
    await chat.send("permisi min, e-wallet apa aja yg bisa dipake buat terima insentif?")
    _short(chat)
    assert "OVO, GoPay, LinkAja, DANA" in chat.replies[0].text
    assert "gelombang berapa" in chat.replies[-1].text and "wave:22" in chat.option_ids
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step == Step.ASK_WAVE
