"""Conversation scripts for the specific cases inside a topic (bot/data/nlu/topics.toml
`[[cases]]`, handlers/cases.py): the participant's actual question is answered with its own
fact, the topic's general block is left out, and with no case matched the general block stays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from bot import knowledge
from bot.core.clock import FakeClock
from bot.nlu.topics import topics
from handlers.cases import ANSWERS
from tests.conftest import KB_FIXTURE, onboard
from tests.helpers import Chat

KB_EMPTY = KB_FIXTURE.with_name("kb-empty")
MAX_MESSAGES = 2
MAX_CHARS = 600

# The first words of each topic's general answer (Indonesian catalog).
ACCOUNT = "Aku tidak bisa membuka atau mengubah akun Prakerja-mu"
TRAINING = "Webinar: nyalakan kamera"
VOUCHER = "“Kode voucher” bisa dipakai kapan saja"
SELECTION = "Seleksi dilakukan otomatis"
LINKING = "Cara menyambungkan: login di"
BENEFITS = "Manfaat Kartu Prakerja: total"
PROGRESS = "Progresmu:"

CASES = [
    # account_access
    ("min aku lupa password akun prakerja gmn ya", "pilih “Lupa Password”", ACCOUNT),
    (
        "mau ganti nomor hp di akun prakerja, nomor lama udah ga aktif",
        "pilih “Ubah Nomor Handphone”, masukkan nomor baru dan OTP",
        ACCOUNT,
    ),
    ("gimana caranya hapus akun prakerja saya", "Akun Prakerja tidak perlu dihapus", ACCOUNT),
    (
        "email verifikasinya kok ga dateng2 ya kak",
        "Cek folder spam dan promosi",
        ACCOUNT,
    ),
    (
        "kok di akun prakerja saya muncul nama orang lain",
        "diperbaiki lewat Dukcapil (1500537)",
        ACCOUNT,
    ),
    (
        "email lama sy udh ga bisa dibuka, gmn mau login prakerja",
        "kirim email ke info@prakerja.go.id dengan NIK dan nomor HP",
        ACCOUNT,
    ),
    # training_problem
    (
        "pas webinar kamera saya mati krn sinyal, dihitung hadir ga",
        "kamera yang mati dihitung tidak hadir",
        TRAINING,
    ),
    (
        "aku salah beli pelatihan, bisa refund atau tuker ga?",
        "Pelatihan yang sudah dibeli tidak bisa ditukar",
        TRAINING,
    ),
    (
        "kode voucher aku katanya tidak valid terus",
        "Cari vouchernya di riwayat pembelian platform",
        TRAINING,
    ),
    (
        "pelatihan tidak ditemukan kak pas dicari di platform",
        "biasanya beres sendiri dalam beberapa hari",
        TRAINING,
    ),
    (
        "lembaga pelatihannya belum lapor kalau aku udah selesai",
        "minta lembaga memberi nilai dan melaporkannya dulu",
        TRAINING,
    ),
    # link_account
    (
        "pengajuan gopay plus aku ditolak terus min",
        "foto e-KTP rusak, buram, terpotong",
        LINKING,
    ),
    (
        "nomor hp di prakerja beda sama nomor ovo aku",
        "Nomor HP di akun Prakerja harus sama dengan nomor e-wallet",
        LINKING,
    ),
    (
        "dana punya istri saya bisa dipake ga",
        "Akun milik suami, istri, atau keluarga akan ditolak",
        LINKING,
    ),
    (
        "bank apa aja yg bisa dipake buat terima insentif?",
        "rekening bank BNI atau ke e-wallet: OVO, GoPay, LinkAja, DANA",
        LINKING,
    ),
    # selection
    ("syarat ikut prakerja apa aja sih", "WNI berusia 18–64 tahun", SELECTION),
    ("karyawan swasta boleh ikut prakerja ga?", "ASN, TNI, Polri", SELECTION),
    (
        "ada yg nawarin joki prakerja bayar 200rb biar lolos, aman ga",
        "Pendaftaran gratis dan hanya di www.prakerja.go.id",
        SELECTION,
    ),
    (
        "aplikasi prakerja di playstore yg asli yg mana ya",
        "Prakerja tidak punya aplikasi resmi",
        SELECTION,
    ),
    (
        "tadi ada yg nelpon ngaku dr prakerja minta kode, udah aku kasih",
        "Prakerja tidak pernah meminta kode",
        ACCOUNT,
    ),
    # incentives
    (
        "kenapa insentif cuma dapet 1x padahal 4 bulan",
        "4 × Rp600.000, sekali sebulan (total Rp2.400.000)",
        BENEFITS,
    ),
    (
        "saldo pelatihan sisa 150rb bisa dicairin",
        "sampai 15 hari setelah kamu menyelesaikan pelatihan pertama",
        BENEFITS,
    ),
    (
        "udah dpt sertifikat brp lama insentif cair",
        "dalam 24 jam, dan uangnya masuk 3–5 hari kerja",
        PROGRESS,
    ),
]


@pytest.fixture(autouse=True)
def _no_entries() -> Iterator[None]:
    """The cases are what answers when the knowledge base has no entry for the post."""
    knowledge.use(KB_EMPTY)
    yield
    knowledge.use(KB_FIXTURE)


def _short(chat: Chat) -> None:
    assert 1 <= len(chat.replies) <= MAX_MESSAGES, chat.text
    assert all(len(r.text) <= MAX_CHARS for r in chat.replies), [len(r.text) for r in chat.replies]


@pytest.mark.parametrize(("post", "fact", "general"), CASES)
async def test_the_specific_case_is_answered_not_the_general_block(
    chat: Chat, post: str, fact: str, general: str
) -> None:
    await onboard(chat)
    await chat.send(post)
    _short(chat)
    assert fact in chat.text
    assert general not in chat.text
    assert "belum paham" not in chat.text and "Aku belum yakin" not in chat.text


async def test_voucher_case_keeps_todays_text_without_the_webinar_block(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("kode redeem ga bisa dipake kak")
    assert VOUCHER in chat.text
    assert TRAINING not in chat.text


@pytest.mark.parametrize(
    ("post", "general"),
    [
        ("akun prakerja aku ga bisa login", ACCOUNT),
        ("pelatihan yang aku beli bermasalah terus", VOUCHER),
        ("cara sambungkan rekening ke prakerja", LINKING),
    ],
)
async def test_no_case_matched_gives_the_general_answer(
    chat: Chat, post: str, general: str
) -> None:
    await onboard(chat)
    await chat.send(post)
    assert general in chat.text


async def test_the_general_answer_is_one_button_away(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("gimana caranya hapus akun prakerja saya")
    assert "intent:account_access" in chat.option_ids
    await chat.press("intent:account_access")
    assert ACCOUNT in chat.text


async def test_all_caps_worried_post_reads_as_incentive_status(chat: Chat) -> None:
    await onboard(chat)
    await chat.send(
        "INSENTIP SAYA BLM CAIR2 UDAH 2 MINGGU PADAHAL SERTIFIKAT UDAH ADA ULASAN UDAH "
        "KAPAN CAIRNYA"
    )
    assert PROGRESS in chat.text
    assert "Aku belum yakin" not in chat.text


async def test_a_named_e_wallet_gets_its_own_customer_service(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("upgrade dana premium ku ditolak terus kenapa ya")
    assert "layanan pelanggan DANA (1500445)" in chat.text


async def test_an_undocumented_label_is_reported_not_quoted(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("insentif aku udah ditransfer katanya tp saldo ovo ga nambah")
    _short(chat)
    assert "Kamu bilang dashboard menunjukkan uangnya sudah ditransfer" in chat.text
    assert "artinya" not in chat.text
    assert "layanan pelanggan OVO (1500696)" in chat.text


async def test_english_participant_gets_the_case_in_english(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/bahasa")
    await chat.press("lang:en")
    await chat.send("can I use my wife's e-wallet for the incentive?")
    assert "A spouse's or relative's account is refused" in chat.text
    await chat.send("someone called saying they are from prakerja and asked for my code")
    assert "Prakerja never asks for a code" in chat.text
    await chat.send("the verification email never arrived")
    assert "Look in the spam and promotions folders" in chat.text


def test_every_case_has_an_answer_and_a_source() -> None:
    keys = {case.key for case in topics().cases}
    assert keys <= set(ANSWERS)
    assert set(ANSWERS) - keys == {"incentive_once"}  # incentive_monthly, one-payment schemes
    assert all(case.source.strip() for case in topics().cases)
    assert all(1 <= len(texts) <= MAX_MESSAGES for texts in ANSWERS.values())


async def test_a_second_question_on_the_same_topic_gets_its_own_case(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("lupa password akun prakerja")
    assert "pilih “Lupa Password”" in chat.text
    await chat.send("kalau mau hapus akun?")
    assert "Akun Prakerja tidak perlu dihapus" in chat.text
    await chat.send("masih belum bisa")  # the same problem again: the troubleshooting step
    assert "Akun Prakerja tidak perlu dihapus" not in chat.text


@pytest.mark.parametrize(
    ("post", "fact"),
    [
        (
            "ada yg wa ngaku admin prakerja minta kode otp, udah aku kasih gmn ini",
            "Prakerja tidak pernah meminta kode",
        ),
        ("insentif baru cair sekali kok, katanya 4x", "4 × Rp600.000, sekali sebulan"),
        ("sisa saldo 200rb bisa ditarik ke gopay ga", "Saldo pelatihan tidak bisa dicairkan"),
        ("abis dapet sertifikat berapa lama insentifnya cair", "uangnya masuk 3–5 hari kerja"),
    ],
)
async def test_a_case_decides_a_post_the_classifier_is_unsure_about(
    chat: Chat, post: str, fact: str
) -> None:
    await onboard(chat)
    await chat.send(post)
    _short(chat)
    assert fact in chat.text
    assert "Aku belum yakin" not in chat.text


async def test_a_one_payment_scheme_says_it_is_paid_once(chat: Chat, clock: FakeClock) -> None:
    clock.set(datetime.fromisoformat("2023-06-10T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("50")
    await chat.send("3/6/2023")
    await chat.press("tz:WIB")
    await chat.send("kenapa insentif cuma dapet 1x padahal 4 bulan")
    assert "membayar insentif sekali: Rp600.000" in chat.text
    assert "4 ×" not in chat.text and "sebulan sekali" not in chat.text
