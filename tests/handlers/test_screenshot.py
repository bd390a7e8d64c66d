"""What the bot answers to a screenshot's (already read and redacted) text: the statuses it
shows with their dates, what to do now, what it could not read; the caption; problems."""

from __future__ import annotations

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import InputKind, Picture, PictureProblem, Step
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat, make_text

DASHBOARD = """Kartu Prakerja
Saldo Pelatihan
Rp1.000.000
Status Pembayaran Insentif
Rekening: OVO ▒
Insentif Pelatihan 1 Gagal
Rp600.000 · 15 Juni 2021
Insentif Pelatihan 2 Dalam Pengecekan
Rp600.000 · 15 Juli 2021
Insentif Pelatihan 3
Rp600.000 · 15 Agustus 2021
"""


async def _picture(chat: Chat, picture: Picture, caption: str = "") -> str:
    msg = make_text(caption, chat.user, chat.clock.now(), kind=InputKind.IMAGE, picture=picture)
    chat.replies = await chat.engine.handle(msg)
    return chat.text


async def test_the_answer_says_what_the_picture_shows_and_what_to_do(chat: Chat) -> None:
    await onboard(chat)
    said = await _picture(chat, Picture(DASHBOARD))
    assert (
        "Di gambarmu: insentif ke-1 Gagal (15 Juni 2021), ke-2 Dalam Pengecekan (15 Juli" in said
    )
    assert "saldo pelatihan Rp1.000.000" in said
    assert "Status insentif ke-3 tidak terbaca: tolong ketik ya" in said
    assert "OVO" in said  # the failed one is explained with the partner seen in the picture
    assert len(chat.replies) <= 2


async def test_a_misread_label_is_named_as_the_dashboard_writes_it(chat: Chat) -> None:
    await onboard(chat)
    said = await _picture(chat, Picture("Insentif Pelatihan 1 Dalam Pengecekam\n15 Juni 2021"))
    assert "insentif ke-1 Dalam Pengecekan" in said and "Pengecekam" not in said


async def test_a_selection_result_and_a_certificate_are_understood(chat: Chat) -> None:
    await onboard(chat)
    said = await _picture(chat, Picture("Status Gelombang 22\nKamu Belum Berhasil\nRiwayat"))
    assert "Kamu Belum Berhasil" in said and "Gabung Gelombang" in said
    said = await _picture(
        chat,
        Picture("Sertifikat Pelatihan\nSertifikat sudah terbit 12 Mei 2021\nLihat Sertifikat"),
    )
    assert "sertifikat pelatihan" in said and "Beri Ulasan" in said


async def test_a_visible_card_number_is_mentioned_never_shown(chat: Chat) -> None:
    await onboard(chat)
    said = await _picture(chat, Picture(DASHBOARD, card_number=True))
    assert "Nomor Kartu Prakerja-mu terlihat di gambar: tidak kusimpan" in said


async def test_nothing_known_in_the_picture_asks_for_the_status_and_keeps_it_redacted(
    chat: Chat, store: SqlStore
) -> None:
    await onboard(chat)
    said = await _picture(chat, Picture("Promo kopi susu\nBeli 2 gratis 1"))
    assert "tidak menemukan status insentif" in said and "Ketik status" in said
    participant = await store.get_participant("test", "u1")
    assert participant is not None
    kept = await store.list_unknown(limit=5)
    assert any("Promo kopi susu" in row.text for row in kept)


async def test_a_caption_is_answered_when_the_picture_shows_nothing(chat: Chat) -> None:
    await onboard(chat)
    said = await _picture(chat, Picture(problem=PictureProblem.NO_TEXT), "otp nya ga masuk2 min")
    assert "tidak menemukan tulisan" in said
    assert "OTP" in said


async def test_each_problem_gets_its_own_kind_words(chat: Chat) -> None:
    await onboard(chat)
    expected = {
        PictureProblem.TOO_BIG: "terlalu besar",
        PictureProblem.UNREADABLE: "tidak bisa membuka",
        PictureProblem.BUSY: "sedang membaca banyak gambar",
        PictureProblem.FAILED: "belum berhasil membaca",
        PictureProblem.NO_TEXT: "tidak menemukan tulisan",
    }
    for problem, words in expected.items():
        assert words in await _picture(chat, Picture(problem=problem))


async def test_before_onboarding_the_question_is_asked_again(
    engine: Engine, clock: FakeClock
) -> None:
    chat = Chat(engine, clock, "new")
    await chat.send("/start")
    said = await _picture(chat, Picture(DASHBOARD))
    assert "Gagal" in said
    assert "wave:22" in chat.option_ids  # the wave question is still asked


async def test_during_a_handoff_the_person_gets_the_caption_and_the_redacted_text(
    chat: Chat, store: SqlStore
) -> None:
    await onboard(chat)
    participant = await store.get_participant("test", chat.user)
    assert participant is not None and participant.id is not None
    participant.step = Step.HANDOFF
    await store.save_participant(participant)
    handoff = await store.open_handoff(participant.id, "human", chat.clock.now())
    said = await _picture(chat, Picture(DASHBOARD), "ini min dashboard aku")
    assert "Passed on" in said or "Diteruskan" in said or "diteruskan" in said
    (kept,) = await store.handoff_messages(handoff)
    assert "ini min dashboard aku" in kept.text and "Insentif Pelatihan 1 Gagal" in kept.text
