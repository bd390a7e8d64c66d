"""Onboarding: wave or date to a deadline, shown in the participant's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.core.clock import FakeClock
from bot.core.domain import Step
from bot.core.program import Program, Wave
from bot.storage.store import SqlStore
from tests.helpers import Chat


async def test_wave_22_deadline_in_wib(chat: Chat) -> None:
    replies = await chat.send("/start")
    assert "bukan layanan resmi" in replies[0].text
    assert "wave:22" in chat.option_ids
    await chat.send("22")
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]
    await chat.press("tz:WIB")
    assert (
        "Batas beli pelatihan pertamamu: Selasa, 30 November 2021 pukul 23.59 WIB — 10 hari lagi"
        in chat.text
    )
    assert "menu:dashboard" in chat.option_ids


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("WIB", "Selasa, 30 November 2021 pukul 23.59 WIB — 10 hari lagi"),
        ("WITA", "(di tempatmu: Rabu, 1 Desember 2021 pukul 00.59 WITA) — 10 hari lagi"),
        ("WIT", "(di tempatmu: Rabu, 1 Desember 2021 pukul 01.59 WIT) — 10 hari lagi"),
    ],
)
async def test_deadline_shown_in_each_zone(chat: Chat, zone: str, expected: str) -> None:
    await chat.send("/start")
    await chat.press("wave:22")
    await chat.send(zone.lower())
    assert expected in chat.text


async def test_announcement_date_gives_thirty_days(chat: Chat, store: SqlStore) -> None:
    await chat.send("/start")
    await chat.send("1/11/2021")
    await chat.press("tz:WIB")
    assert "Rabu, 1 Desember 2021 pukul 23.59 WIB — 11 hari lagi" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step == Step.MENU
    assert saved.announced_on is not None and saved.announced_on.isoformat() == "2021-11-01"


@pytest.mark.parametrize(
    "typed", ["1 November 2021", "01-11-2021", "tgl 1 nov 2021", "2021-11-01"]
)
async def test_date_forms(chat: Chat, typed: str) -> None:
    await chat.send("/start")
    await chat.send(typed)
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/2/2021", "Tanggal itu tidak ada"),
        ("1/12/2021", "belum terjadi"),
        ("1/1/2019", "sebelum program dimulai"),
        ("999", "tidak kenal gelombang 999"),
        ("kemarin sore", "tidak bisa membacanya"),
    ],
)
async def test_bad_answers_ask_again(
    chat: Chat, store: SqlStore, typed: str, message: str
) -> None:
    await chat.send("/start")
    await chat.send(typed)
    assert message in chat.text
    assert "gelombang berapa" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.step == Step.ASK_WAVE and saved.deadline_utc is None


async def test_wave_without_deadline_asks_for_the_date(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("gelombang 21")
    assert "belum punya batas waktu gelombang 21" in chat.text
    await chat.send("besok")
    assert "1/11/2021" in chat.text
    await chat.send("5/11/2021")
    await chat.press("tz:WIB")
    assert "Minggu, 5 Desember 2021 pukul 23.59 WIB" in chat.text


async def test_deep_link_payload_sets_the_wave(chat: Chat) -> None:
    await chat.send("/start 22")
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]


async def test_passed_deadline_explains_the_sanctions(chat: Chat, clock: FakeClock) -> None:
    clock.advance(timedelta(days=11))  # 1 Dec 2021: wave 22's deadline is over
    await chat.send("/start")
    await chat.send("22")
    await chat.press("tz:WIB")
    assert "dicabut" not in chat.text  # nothing concluded before the stage is known
    await chat.press("stage:not_bought")
    assert "batas waktunya sudah lewat" in chat.text
    assert "kepesertaanmu dicabut" in chat.text
    assert "0800-150-3001" in chat.text
    assert "menu:dashboard" in chat.option_ids


async def test_wave_of_the_2023_scheme_uses_its_own_window(chat: Chat, clock: FakeClock) -> None:
    clock.set(datetime.fromisoformat("2023-06-10T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("50")
    assert "belum punya batas waktu gelombang 50" in chat.text
    await chat.send("3/6/2023")
    await chat.press("tz:WIB")
    assert "Minggu, 18 Juni 2023 pukul 23.59 WIB — 8 hari lagi" in chat.text  # 15 days


def test_scheme_by_date_and_wave(program: Program) -> None:
    assert program.scheme_for_wave(22) == "2021"
    assert program.scheme_for_wave(30) == "2022"
    assert program.scheme_for_wave(70) == "2024"
    assert program.scheme_for_date(date(2022, 3, 1)) == "2022"
    assert program.scheme_for_date(date(2026, 11, 1)) == "2024"  # the newest stays open
    assert program.schemes["2023"].total == 4_200_000


async def test_restarting_with_a_date_drops_the_old_wave(
    chat: Chat, clock: FakeClock, store: SqlStore
) -> None:
    await chat.send("/start")
    await chat.send("22")  # wave 22, 2021 scheme, onboarding not finished (no zone yet)
    clock.set(datetime.fromisoformat("2023-06-10T10:00:00+07:00"))
    await chat.send("/start")
    await chat.send("1/6/2023")
    await chat.press("tz:WIB")
    saved = await store.get_participant("test", "u1")
    assert saved is not None
    assert (saved.wave, saved.scheme) == (None, "2023")
    assert "Jumat, 16 Juni 2023 pukul 23.59 WIB" in chat.text  # 15 days, not 30


async def test_a_first_message_with_the_wave_is_read_not_dropped(chat: Chat) -> None:
    await chat.send("assalamualaikum min, aku peserta gelombang 22 mau tanya2")
    assert "bukan layanan resmi" in chat.replies[0].text
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]  # the wave was taken


async def test_a_first_message_with_a_question_gets_its_answer_then_the_wave(chat: Chat) -> None:
    await chat.send("permisi kak, kode otp prakerja saya ga masuk2 dari tadi pagi gmn ya")
    assert len(chat.replies) == 2
    assert "OTP" in chat.replies[0].text  # the question is answered first
    assert "bukan layanan resmi" in chat.replies[1].text  # then the bot introduces itself
    assert "wave:22" in chat.option_ids  # and onboarding asks on


async def test_a_first_question_that_needs_the_wave_says_so(chat: Chat) -> None:
    await chat.send("min insentif saya kok belum cair ya, statusnya dalam pengecekan terus")
    assert "setelah tahu gelombangmu" in chat.text or "begitu aku tahu gelombangmu" in chat.text
    assert "wave:22" in chat.option_ids


async def test_the_zone_question_reads_a_place_helps_and_answers_the_deadline(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("22")
    await chat.send("ga tau kak zona apa")
    assert "WITA: Bali" in chat.text and chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]
    await chat.send("sebelum itu mau nanya, batas beli pelatihan kapan ya kak?")
    assert "30 November 2021" in chat.text and "tz:WIB" in chat.option_ids
    await chat.send("aku tinggal di makassar")
    assert "WITA" in chat.text and "menu:dashboard" in chat.option_ids


async def test_a_wave_and_a_place_in_one_message_finish_onboarding(chat: Chat) -> None:
    await chat.send("Halo kak saya gel 22 tinggal di Jayapura")
    assert "WIT" in chat.text and "menu:dashboard" in chat.option_ids


async def test_a_first_message_with_wave_and_question_answers_both(chat: Chat) -> None:
    await chat.send("assalamualaikum min saya gel 22, kode otp nya ga masuk2 gmn ya")
    assert len(chat.replies) == 2
    assert "OTP" in chat.replies[0].text  # the question first
    assert chat.replies[1].text.startswith("Wa'alaikumsalam!")
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]  # the wave was taken


async def test_a_first_wave_emoji_gets_the_greeting(chat: Chat) -> None:
    await chat.send("👋")
    assert "bukan layanan resmi" in chat.text and "wave:22" in chat.option_ids


def test_dated_waves_are_those_with_a_deadline(program: Program) -> None:
    scheme = program.program.default_scheme
    waves = (
        Wave(number=30, scheme=scheme, purchase_deadline=date(2024, 1, 5)),
        Wave(number=31, scheme=scheme),  # no date known: no deadline
        Wave(number=32, scheme=scheme, announced_on=date(2024, 2, 1)),
        Wave(number=30, scheme=scheme),  # a second entry of 30: the first one counts
        Wave(number=33, scheme=scheme, opened_on=date(2024, 3, 1)),
        Wave(number=31, scheme=scheme, announced_on=date(2024, 2, 1)),  # the first one counts
    )
    other = Program.model_validate({**program.model_dump(), "waves": waves})
    assert other.dated_waves() == [30, 32, 30]
    assert other.dated_waves() == [
        w.number for w in other.waves if other.deadline_for_wave(w.number) is not None
    ]
    assert program.dated_waves() == [
        w.number for w in program.waves if program.deadline_for_wave(w.number) is not None
    ]
