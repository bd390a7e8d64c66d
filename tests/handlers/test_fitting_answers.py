"""Conversation scripts for answers that fit what the post says: an English scam report by
someone claiming to be staff, an age question read as the deadline, two questions where the
second is the search's runner-up, runner-ups of another topic found far less surely, a problem
told without a question word beside a fact to record, and the bot asked whether it is
official while the post also names the customer service (the shipped entries)."""

from __future__ import annotations

import pytest

from bot.knowledge import Found
from bot.knowledge.decide import Decision, asked_second, decide
from bot.nlu.cues import cues
from bot.nlu.reading import clauses
from handlers.agreement import plausible
from tests.conftest import onboard
from tests.helpers import Chat


def _kb_options(chat: Chat) -> list[str]:
    return [o.id for r in chat.replies for o in r.options if o.id.startswith("kb:")]


@pytest.mark.parametrize(
    "post",
    [
        "A man on Facebook says he is Prakerja staff and asks for my card number and the OTP",
        "a woman called claiming to be from prakerja and wanted my otp to speed things up",
        "ada yg ngaku petugas prakerja minta nomor kartu sama kode otp aku",
    ],
)
def test_someone_claiming_to_be_staff_asking_for_a_card_or_otp_is_a_scam_report(
    post: str,
) -> None:
    assert cues().reports_scam(post)


@pytest.mark.parametrize(
    "post",
    [
        "I asked for a new code but nothing came",
        "I called the OTP line and asked for the code again",
        "aku minta kode otp ulang tapi ga masuk",
    ],
)
def test_the_participant_asking_for_a_code_is_no_scam_report(post: str) -> None:
    assert not cues().reports_scam(post)


async def test_an_english_scam_report_gets_the_warning(chat: Chat, shipped: None) -> None:
    await onboard(chat)
    await chat.send(
        "A man on Facebook says he is Prakerja staff and asks for my card number and OTP "
        "to speed up my incentive. Is this real?"
    )
    said = chat.text.lower()
    assert "scam" in said
    assert "automatic assistant" not in said


async def test_an_age_question_read_as_the_deadline_gets_the_age_limit(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send("umur saya 61 tahun udah pensiun, masih bisa?")
    said = chat.text.lower()
    assert "64" in said and "18" in said
    assert "batas beli" not in said


def test_a_runner_up_asked_by_its_own_clause_is_a_second_question() -> None:
    two = Found((("a", 0.45), ("b", 0.40)), asked=("b",))
    assert decide(two, True) == Decision.LEANING
    assert asked_second(two) == ("b",)
    one = Found((("a", 0.45), ("b", 0.40)))  # two readings of one question: answered, the
    assert decide(one, True) == Decision.LEANING  # runner-up offered as a button, not answered
    assert asked_second(one) == ()


def test_a_question_after_a_comma_and_and_is_a_clause_of_its_own() -> None:
    assert clauses("how much will I get in cash, and can I use a bank?")[-1].strip(" ?") == (
        "and can i use a bank"
    )
    assert len(clauses("saya siapkan nik, kk, dan ktp")) == 1  # a list, no question


async def test_two_questions_are_both_answered(chat: Chat, shipped: None) -> None:
    await onboard(chat)
    await chat.send("insentif prakerja totalnya brp sih? dan dibayar berapa kali?")
    said = chat.text.lower()
    assert "maksudmu salah satu" not in said
    assert "3.550.000" in said  # the total
    assert "4 kali" in said  # and how often, beside it
    ids = _kb_options(chat)
    assert len(ids) == len(set(ids)), ids  # the second question's entry is not offered twice


def test_a_runner_up_is_offered_when_of_the_same_topic_or_half_as_likely() -> None:
    topics = {"telat": "incentive_status", "jadwal": "incentive_status", "gabung": "next_wave"}
    found = Found((("telat", 0.46), ("gabung", 0.19), ("jadwal", 0.1), ("nik", 0.3)))
    assert plausible(found, ["gabung", "jadwal", "nik"], topics.get) == ("jadwal", "nik")


async def test_an_answer_offers_no_far_runner_up_of_another_topic(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send(
        "tolong min lagi butuh uang, insentif blm cair2 padahal sertifikat udh 12 hari. "
        "sy harus gimana"
    )
    assert "kb:gabung-gelombang" not in _kb_options(chat)
    assert "jadwal" in chat.text.lower()


async def test_a_problem_told_beside_a_wallet_is_answered_before_the_offer(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send(
        "ovo atas namaku sendiri, udah premier, tapi waktu disambung ditolak data ga cocok"
    )
    said = chat.text.lower()
    assert "atas namamu" in said and "nik" in said  # the answer, not only the offer to record
    assert "tidak boleh" not in said


async def test_asked_whether_it_is_official_the_bot_says_it_is_not(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send("ini bot resmi dari prakerja ya kak?")
    assert chat.replies[0].text.lower().startswith("bukan")


async def test_a_case_whose_entries_the_search_finds_far_less_likely_does_not_answer(
    chat: Chat, shipped: None
) -> None:
    # "bank" and "apa" anywhere select the "which banks?" case by their words alone
    await onboard(chat)
    await chat.send(
        "rekening BNI saya sendiri tapi ditolak waktu disambung, apa karena NIK di bank beda?"
    )
    said = chat.text.lower()
    assert "nik" in said
    assert "bank lain atau e-wallet lain belum bisa" not in said


async def test_asking_if_it_is_a_person_or_a_bot_is_answered_not_handed_off(
    chat: Chat, shipped: None
) -> None:
    # read as asking for a person, but no one asked for one: the sure entry answers
    await onboard(chat)
    await chat.send("yang bales ini orang atau bot? resmi dari prakerja ga?")
    first = chat.replies[0].text.lower()
    assert first.startswith("bukan")
    assert "meneruskanmu" not in chat.text.lower()
