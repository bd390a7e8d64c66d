"""Conversation scripts for the shape of an answer: out of scope, leaning towards one entry,
scam reports, official channels, bookkeeping after the answer, two questions, yes/no."""

from __future__ import annotations

import pytest

from bot import knowledge
from bot.core.domain import Step
from bot.knowledge.entries import shipped_root
from bot.storage.store import SqlStore
from tests.conftest import KB_FIXTURE, onboard
from tests.helpers import Chat


def _said(chat: Chat) -> str:
    return chat.text.lower()


@pytest.mark.parametrize(
    "post",
    [
        "kapan ya bantuan PKH tahap 4 masuk ke rekening saya?",
        "min tolong cek dong nama saya ada ga di daftar penerima BSU tahun ini",
        "besok di surabaya hujan gak kira-kira",
        "bisa bikinin CV buat ngelamar kerja di pabrik?",
    ],
)
async def test_out_of_scope_is_said_politely_with_a_person(chat: Chat, post: str) -> None:
    await onboard(chat)
    await chat.send(post)
    said = _said(chat)
    assert "kartu prakerja" in said
    assert "belum paham" not in said and "maksudmu salah satu" not in said
    assert not [o for o in chat.option_ids if o.startswith("kb:")]
    assert "intent:human" in chat.option_ids


async def test_another_programme_is_pointed_to_its_own_channels(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("saldo KIP kuliah anakku kok belum cair ya")
    assert "program lain" in _said(chat) or "programnya sendiri" in _said(chat)


async def test_a_prakerja_question_is_not_called_out_of_scope(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("sertifikat pelatihanku kok belum keluar ya padahal udah selesai semua")
    assert "hanya bisa membantu" not in _said(chat)


async def test_a_clear_lead_is_answered_with_the_runner_ups_beside(chat: Chat) -> None:
    knowledge.use(shipped_root())  # the shipped entries: the review's two entries compete
    try:
        await onboard(chat)
        await chat.send("ulasan pelatihan kok tidak bisa dikirim ya")
    finally:
        knowledge.use(KB_FIXTURE)
    first = chat.replies[0].text.lower()
    assert "maksudmu salah satu" not in first
    assert "ulasan" in first
    labels = [o.label for r in chat.replies for o in r.options if o.id.startswith("kb:")]
    assert any(label.startswith("Atau maksudmu: ") for label in labels), labels


async def test_a_genuinely_vague_post_still_gets_the_choice(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("kak kok gitu ya prakerjanya")
    assert "Atau maksudmu" not in " ".join(o.label for r in chat.replies for o in r.options)


@pytest.mark.parametrize(
    "post",
    [
        "td malam ada nomor asing ngaku tim prakerja, dia minta kode OTP yg masuk ke hp ku",
        "kak ada orang chat aku katanya bisa bantu cairin insentif tapi minta 250rb dulu",
        "someone on whatsapp is asking me for my OTP, says he is from prakerja",
    ],
)
async def test_a_scam_report_gets_the_warning_and_where_to_report(chat: Chat, post: str) -> None:
    await onboard(chat)
    await chat.send(post)
    said = _said(chat)
    assert "penipuan" in said or "scam" in said
    assert "0800" in said or "@prakerja" in said  # where to report it
    assert "kamu mengirim" not in said and "you sent" not in said  # no code was sent
    assert "progresmu" not in said


async def test_a_scam_report_with_a_code_warns_and_answers_the_scam(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("ada yg ngaku admin minta otp 739214 katanya buat verifikasi, gmn nih")
    said = _said(chat)
    assert "739214" not in said
    assert "otp" in said and "penipuan" in said


async def test_asking_the_participant_own_otp_again_is_no_scam_report(chat: Chat) -> None:
    knowledge.use(shipped_root())
    try:
        await onboard(chat)
        await chat.send("saya minta kode otp ulang tapi ga dikirim2")
    finally:
        knowledge.use(KB_FIXTURE)
    assert "penipuan" not in _said(chat)


@pytest.mark.parametrize(
    "post", ["min nomor cs prakerja yg resmi berapa ya", "mau telpon call center prakerja"]
)
async def test_the_official_customer_service_is_given_not_a_handoff(
    chat: Chat, store: SqlStore, post: str
) -> None:
    await onboard(chat)
    await chat.send(post)
    assert "0800-150-3001" in chat.text
    participant = await store.get_participant("test", "u1")
    assert participant is not None and participant.step == Step.MENU  # no handoff opened


async def test_a_purchase_said_with_a_question_is_answered_first(chat: Chat) -> None:
    knowledge.use(shipped_root())
    try:
        await onboard(chat)
        await chat.send("aku udah beli pelatihan tadi, abis itu aku harus ngapain?")
    finally:
        knowledge.use(KB_FIXTURE)
    assert len(chat.replies) == 2
    assert "sudah beli" not in chat.replies[0].text.lower()  # the answer comes first
    assert {"purchase:yes", "fact:yes"} & set(chat.option_ids)  # then the offer to record it


async def test_a_question_about_a_step_is_no_claim_to_record(chat: Chat) -> None:
    knowledge.use(shipped_root())
    try:
        await onboard(chat)
        await chat.send("cara kasih ulasan buat pelatihan yang udah selesai gimana?")
    finally:
        knowledge.use(KB_FIXTURE)
    assert not [o for o in chat.option_ids if o.startswith(("fact:", "purchase:"))]
    assert "ulasan" in _said(chat)


async def test_two_clear_questions_are_both_answered(chat: Chat) -> None:
    knowledge.use(shipped_root())
    try:
        await onboard(chat)
        await chat.send("sertifikatku belum keluar juga, terus insentifnya kapan cair ya?")
    finally:
        knowledge.use(KB_FIXTURE)
    assert len(chat.replies) == 2
    said = [r.text.lower() for r in chat.replies]
    assert any("sertifikat" in s for s in said) and any("pembayaran" in s for s in said), said
    assert "Also" not in str(chat.replies[0].options)


@pytest.mark.parametrize(
    "post",
    [
        "kalau yang gelombang 66 batas waktu beli pelatihan pertamanya berapa hari?",
        "buat peserta prakerja 2024 batas beli pelatihannya berapa lama?",
    ],
)
async def test_another_scheme_is_answered_with_its_rules(chat: Chat, post: str) -> None:
    knowledge.use(shipped_root())
    try:
        await onboard(chat)  # a wave-22 (2021) participant
        await chat.send(post)
    finally:
        knowledge.use(KB_FIXTURE)
    said = chat.text
    assert "30 November 2021" not in said and "hari lagi" not in said  # not their own deadline
    assert "15 hari" in said  # the 2024 scheme's purchase window (program.toml)


async def test_a_new_question_with_masih_is_not_still_not_working(chat: Chat) -> None:
    knowledge.use(shipped_root())
    try:
        await onboard(chat)
        await chat.send("insentif boleh masuk ke rekening punya bapak ga?")
        before = chat.text
        await chat.send("aku masih mahasiswa, boleh ikut daftar prakerja?")
    finally:
        knowledge.use(KB_FIXTURE)
    assert chat.text != before
    assert "mahasiswa" in chat.text.lower() or "kuliah" in chat.text.lower()


@pytest.mark.parametrize(
    "post",
    [
        "insentifnya boleh ga ditransfer ke rekening ibu saya?",
        "sertifikat pelatihan bisa diunduh sendiri ga sih?",
        "KESEL BGT dari kemarin insentif ga cair2, emang bisa telat ya?",
    ],
)
async def test_a_yes_no_question_opens_with_the_entry_answer(
    chat: Chat, store: SqlStore, post: str
) -> None:
    knowledge.use(shipped_root())
    try:
        await onboard(chat)
        await chat.send(post)
        participant = await store.get_participant("test", "u1")
        assert participant is not None and participant.id is not None
        memory = await store.get_memory(participant.id)
        answered = memory.data.get("entry") if memory else None
        assert isinstance(answered, str)
        found = knowledge.bases(chat.engine.program)["id"].get(answered)
    finally:
        knowledge.use(KB_FIXTURE)
    assert found is not None
    first = chat.replies[0].text.split("\n\n")
    opening = found.answer.strip().split("{")[0][:25]
    # the entry's own words first: at most a one-line mood acknowledgement before them
    assert first[0].startswith(opening) or (len(first) > 1 and first[1].startswith(opening))
    assert not first[0].startswith(("Ya.", "Tidak.")) or found.answer.strip().startswith(
        ("Ya", "Tidak")
    )


async def test_the_handoff_hours_are_not_the_official_call_centre_s(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("pengen ngobrol sama orang beneran aja deh")
    hours_line = next(line for line in chat.text.split(". ") if "Biasanya petugas" in line)
    assert "bukan jam call centre resmi" in chat.text
    assert "0800" not in hours_line
