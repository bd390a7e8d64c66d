"""Language per message, a person in either language, mood, "cs ovo", memory across a
clarifying question, progress typed in words, and offers to record after the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat


async def test_a_message_in_english_is_answered_in_english(chat: Chat) -> None:
    await onboard(chat)  # Indonesian so far
    await chat.send("When is my deadline to buy the training?")
    assert "Your first training's purchase deadline" in chat.text
    await chat.send("kapan batas beli pelatihan?")
    assert "Batas beli pelatihan pertamamu" in chat.text


async def test_language_switched_in_words(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("english please")
    assert "Language set to English." in chat.text
    assert "What would you like to do?" in chat.text
    await chat.send("pakai bahasa indonesia")
    assert "Bahasa diganti ke Bahasa Indonesia." in chat.text


@pytest.mark.parametrize(
    "command", ["/cancel", "/batal", "/help", "/bantuan", "/delete", "/hapus"]
)
async def test_commands_in_both_languages(chat: Chat, store: SqlStore, command: str) -> None:
    await onboard(chat)
    await chat.send("english please")
    await chat.send(command)
    assert await store.list_unknown(5) == []
    assert "Sorry, I didn't understand" not in chat.text
    assert chat.option_ids  # a menu or a confirmation, never a message to the team


async def test_cancel_ends_a_handoff_in_english(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("english please")
    await chat.send("I want to talk to a human")
    assert "passed you on to our team" in chat.text
    await chat.send("/cancel")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step.value == "menu"


@pytest.mark.parametrize(
    "asking",
    ["I want to talk to a human", "mau ngomong sama admin aja", "can I speak to a person"],
)
async def test_an_english_participant_asking_for_a_person(
    chat: Chat, store: SqlStore, asking: str
) -> None:
    await onboard(chat)
    await chat.send("/language")
    await chat.press("lang:en")
    await chat.send(asking)
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step.value == "handoff"


async def test_customer_service_of_a_wallet_is_not_a_person(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("udah aku telpon cs ovo")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step.value != "handoff"
    assert "tim kami" not in chat.text


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("bapak saya sakit, insentif kapan cair?", "ikut"),
        ("so desperate I smashed my phone, how do I log in now", "exhausting"),
        ("SAYA SUDAH NUNGGU DUA BULAN INSENTIF GAK CAIR", "kesal"),
        ("butuh uang buat bayar kontrakan, insentif kapan cair?", "ikut"),
    ],
)
async def test_mood_is_acknowledged_then_answered_then_a_person_offered(
    chat: Chat, said: str, heard: str
) -> None:
    await onboard(chat)
    await chat.send(said)
    first = chat.replies[0].text.split("\n\n")[0]
    assert len(first) < 100  # one short sentence
    assert "intent:human" in chat.option_ids
    assert len(chat.text) > len(first) + 20  # and an answer after it
    if heard == "exhausting":
        assert chat.replies[0].text.startswith(("I hear you", "That sounds", "I'm sorry it"))
    elif heard == "kesal":
        assert chat.replies[0].text.startswith(("Aku paham", "Wajar", "Maaf, menunggu"))
    else:
        assert chat.replies[0].text.startswith(("Aku ikut", "Itu pasti", "Maaf ya"))


async def test_a_calm_question_gets_no_mood_sentence(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("insentif kapan cair?")
    assert "intent:human" not in chat.option_ids


async def test_memory_across_a_clarifying_question(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("otp nya ga masuk2")
    first = chat.text
    await chat.send("hmm yang itu lho")  # unclear: a clarifying question or the menu
    await chat.send("terus gimana?")
    assert "Soal apa" not in chat.text and "What is it about" not in chat.text
    assert chat.text != first


async def test_progress_typed_in_words_is_recorded_after_a_yes(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("menu:purchase")
    await chat.press("purchase:done")
    await chat.send("udh kasih ulasan, rekening udh nyambung")
    assert "Sudah kasih ulasan; Rekening/e-wallet sudah tersambung?" in chat.text
    await chat.press("fact:yes")
    await chat.send("/status")
    assert "✅ Sudah kasih ulasan (20 November 2021)" in chat.text
    assert "✅ Rekening/e-wallet sudah tersambung (20 November 2021)" in chat.text


async def test_no_with_a_correction(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=5))  # 25 November 2021
    await chat.send("udah beli tgl 24")
    assert "24 November 2021" in chat.text
    await chat.send("bukan, aku belinya tgl 22")  # a no, and the right day
    assert "22 November 2021" in chat.text
    await chat.press("fact:yes")
    await chat.send("/status")
    assert "✅ Pelatihan pertama sudah dibeli (22 November 2021)" in chat.text


async def test_no_last_month_asks_the_day(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=5))
    await chat.send("udah beli")
    await chat.send("bukan, aku belinya bulan lalu")
    assert "Tanggal berapa bulan lalu" in chat.text
    await chat.send("tgl 28")
    assert "28 Oktober 2021" in chat.text


async def test_the_answer_comes_before_the_offer_to_record(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=5))
    await chat.send("udah beli tgl 24, sertifikat kapan keluar?")
    assert len(chat.replies) == 2
    assert "sertifikat" in chat.replies[0].text.lower()
    assert "24 November 2021" in chat.replies[1].text
    assert "fact:yes" in chat.option_ids
    await chat.press("fact:yes")
    assert "24 November 2021" in chat.text


async def test_english_replies_name_the_english_commands_and_plurals(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("english please")
    await chat.send("/stop")
    assert "/reminders" in chat.text and "/pengingat" not in chat.text
    await chat.send("my NIK is 3174012345678901 and the otp 483921")
    warning = next(r.text for r in chat.replies if r.text.startswith("⚠️"))
    assert "share them" in warning and "share it " not in warning
    await chat.send("my otp is 483921")
    warning = next(r.text for r in chat.replies if r.text.startswith("⚠️"))
    assert "share it " in warning


def test_a_shouted_sentence_in_a_longer_post_is_anger() -> None:
    from bot.nlu.cues import cues

    said = cues()
    shouted = "NGAPAIN PAKE PELATIHAN SEGALA KALO DUITNYA GA CAIR2!!! udh sebulan status gagal"
    assert said.mood_of(shouted) == "anger"
    assert said.mood_of("udh sebulan gagal terus. program penipuan") == "anger"
    assert said.mood_of("cara sambung OVO ke NIK KTP saya gimana") is None  # acronyms
