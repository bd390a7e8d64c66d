"""Conversation scripts for the specific cases inside a topic (bot/data/nlu/topics.toml
`[[cases]]`, handlers/cases.py): the participant's actual question is answered by one of the
case's knowledge-base entries (the shipped ones: one source of truth), and with no case matched
(and no entry) the topic's general answer stays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from bot import knowledge
from bot.core.clock import FakeClock
from bot.knowledge.entries import read_unchecked, shipped_root
from bot.nlu.topics import topics
from bot.storage.store import SqlStore
from tests.conftest import KB_FIXTURE, onboard
from tests.helpers import Chat

KB_EMPTY = KB_FIXTURE.with_name("kb-empty")
MAX_MESSAGES = 2
MAX_CHARS = 600

# The first words of each topic's general answer (Indonesian catalog).
ACCOUNT = "Aku tidak bisa membuka atau mengubah akun Prakerja-mu"
VOUCHER = "“Kode voucher” bisa dipakai kapan saja"
LINKING = "Cara menyambungkan: login di"

CASES = [
    # account_access
    ("min aku lupa password akun prakerja gmn ya", "forgot_password"),
    ("mau ganti nomor hp di akun prakerja, nomor lama udah ga aktif", "change_phone"),
    ("gimana caranya hapus akun prakerja saya", "delete_account"),
    ("email verifikasinya kok ga dateng2 ya kak", "verification_email"),
    ("kok di akun prakerja saya muncul nama orang lain", "someone_elses_data"),
    ("email lama sy udh ga bisa dibuka, gmn mau login prakerja", "lost_email"),
    # training_problem
    ("pas webinar kamera saya mati krn sinyal, dihitung hadir ga", "webinar_absent"),
    ("aku salah beli pelatihan, bisa refund atau tuker ga?", "refund"),
    ("kode voucher aku katanya tidak valid terus", "voucher_code"),
    ("pelatihan tidak ditemukan kak pas dicari di platform", "training_not_found"),
    ("lembaga pelatihannya belum lapor kalau aku udah selesai", "completion_not_reported"),
    # link_account
    ("pengajuan gopay plus aku ditolak terus min", "premium_rejected"),
    ("nomor hp di prakerja beda sama nomor ovo aku", "phone_mismatch"),
    ("dana punya istri saya bisa dipake ga", "family_wallet"),
    ("bank apa aja yg bisa dipake buat terima insentif?", "which_banks"),
    # selection
    ("syarat ikut prakerja apa aja sih", "eligibility"),
    ("karyawan swasta boleh ikut prakerja ga?", "eligibility"),
    ("ada yg nawarin joki prakerja bayar 200rb biar lolos, aman ga", "joki"),
    ("aplikasi prakerja di playstore yg asli yg mana ya", "no_app"),
    ("tadi ada yg nelpon ngaku dr prakerja minta kode, udah aku kasih", "scam_code"),
    # incentives
    ("kenapa insentif cuma dapet 1x padahal 4 bulan", "incentive_monthly"),
    ("saldo pelatihan sisa 150rb bisa dicairin", "fund_not_cashable"),
    ("udah dpt sertifikat brp lama insentif cair", "incentive_timing"),
]


@pytest.fixture(autouse=True)
def _shipped_entries() -> Iterator[None]:
    """The cases answer with the shipped entries."""
    knowledge.use(shipped_root())
    yield
    knowledge.use(KB_FIXTURE)


def _entries(key: str) -> tuple[str, ...]:
    return next(case.entries for case in topics().cases if case.key == key)


async def _answered(store: SqlStore) -> str | None:
    """The entry the last answer came from (kept in the conversation's memory)."""
    participant = await store.get_participant("test", "u1")
    assert participant is not None and participant.id is not None
    memory = await store.get_memory(participant.id)
    entry = memory.data.get("entry") if memory else None
    return entry if isinstance(entry, str) else None


def _opening(entry_id: str) -> str:
    """The first words of an entry's Indonesian answer, up to its first placeholder."""
    entry = read_unchecked(shipped_root())["id"].get(entry_id)
    assert entry is not None
    return entry.answer.strip().split("{")[0][:30]


def _short(chat: Chat) -> None:
    assert 1 <= len(chat.replies) <= MAX_MESSAGES, chat.text
    assert all(len(r.text) <= MAX_CHARS for r in chat.replies), [len(r.text) for r in chat.replies]


@pytest.mark.parametrize(("post", "key"), CASES)
async def test_the_specific_case_is_answered_by_its_entry(
    chat: Chat, store: SqlStore, post: str, key: str
) -> None:
    await onboard(chat)
    await chat.send(post)
    _short(chat)
    # the memory names the entry, unless the turn went on to confirm a fact the post told
    # (handlers/offers.py), which the start of the entry's text then shows
    said = await _answered(store) in _entries(key) or any(
        _opening(e) in chat.text for e in _entries(key)
    )
    assert said, chat.text
    assert "belum paham" not in chat.text and "Maksudmu salah satu ini?" not in chat.text


def test_every_case_names_shipped_entries_and_a_source() -> None:
    shipped = {
        locale: {e.id for e in kb.entries} for locale, kb in read_unchecked(shipped_root()).items()
    }
    for case in topics().cases:
        assert case.source.strip(), case.key
        for locale, ids in shipped.items():
            assert set(case.entries) <= ids, (case.key, locale, set(case.entries) - ids)


@pytest.mark.parametrize(
    ("post", "general"),
    [
        ("akun prakerja aku ga bisa login", ACCOUNT),
        ("pelatihan yang aku beli bermasalah terus", VOUCHER),
        ("cara sambungkan rekening ke prakerja", LINKING),
    ],
)
async def test_with_no_entries_the_general_answer_stays(
    chat: Chat, post: str, general: str
) -> None:
    knowledge.use(KB_EMPTY)
    await onboard(chat)
    await chat.send(post)
    assert general in chat.text


async def test_an_undocumented_label_is_reported_not_quoted(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("insentif aku udah ditransfer katanya tp saldo ovo ga nambah")
    _short(chat)
    assert "Kamu bilang dashboard menunjukkan uangnya sudah ditransfer" in chat.text
    assert "artinya" not in chat.text
    assert "layanan pelanggan OVO (1500696)" in chat.text


async def test_english_participant_gets_the_entry_in_english(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("/bahasa")
    await chat.press("lang:en")
    await chat.send("can I use my wife's e-wallet for the incentive?")
    assert await _answered(store) in _entries("family_wallet")
    assert "Boleh" not in chat.text and "Tidak boleh" not in chat.text  # English, not Indonesian
    await chat.send("the verification email never arrived")
    assert await _answered(store) in _entries("verification_email")


async def test_a_second_question_on_the_same_topic_gets_its_own_entry(
    chat: Chat, store: SqlStore
) -> None:
    await onboard(chat)
    await chat.send("lupa password akun prakerja")
    assert await _answered(store) == "lupa-password"
    await chat.send("kalau mau hapus akun?")
    assert await _answered(store) == "hapus-akun-prakerja"
    first = chat.text
    await chat.send("masih belum bisa")  # the same problem again: its next step
    assert chat.text != first


async def test_a_one_payment_scheme_says_it_is_paid_once(
    chat: Chat, clock: FakeClock, store: SqlStore
) -> None:
    clock.set(datetime.fromisoformat("2023-06-10T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("50")
    await chat.send("3/6/2023")
    await chat.press("tz:WIB")
    await chat.send("kenapa insentif cuma dapet 1x padahal 4 bulan")
    assert await _answered(store) in _entries("incentive_monthly")
    assert "4 ×" not in chat.text and "sebulan sekali" not in chat.text
    assert "Rp600.000" in chat.text
