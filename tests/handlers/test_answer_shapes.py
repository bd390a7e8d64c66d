"""Conversation scripts for the shape of an answer: out of scope, leaning towards one entry,
scam reports, official channels, bookkeeping after the answer, two questions, yes/no."""

from __future__ import annotations

import pytest

from bot import knowledge
from bot.knowledge.entries import shipped_root
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
