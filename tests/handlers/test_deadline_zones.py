"""The deadline in every zone: stated as 23:59 WIB with the local time beside it, the last day's
countdown in hours and minutes, each reminder worded for the time left when it is due, and
"lho kok 1 desember?" answered about the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.outbox.delivery import rendered_at
from bot.outbox.planner import REMINDER, plan
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from tests.conftest import onboard
from tests.helpers import Chat
from tests.outbox_helpers import planning_engine

LOCAL = {"WIB": "+07:00", "WITA": "+08:00", "WIT": "+09:00"}


@pytest.fixture
def chat(store: SqlStore, program: Program, clock: FakeClock) -> Chat:
    return Chat(planning_engine(store, program, clock), clock)


def _at(clock: FakeClock, moment: str) -> None:
    clock.set(datetime.fromisoformat(moment))


@pytest.mark.parametrize(
    ("zone", "local", "left"),
    [
        ("WITA", "Rabu, 1 Desember 2021 pukul 00.59 WITA", "tinggal 4 jam 59 menit lagi"),
        ("WIT", "Rabu, 1 Desember 2021 pukul 01.59 WIT", "tinggal 5 jam 59 menit lagi"),
    ],
)
async def test_last_evening_outside_wib(
    chat: Chat, clock: FakeClock, zone: str, local: str, left: str
) -> None:
    await onboard(chat, zone=zone)
    _at(clock, f"2021-11-30T20:00{LOCAL[zone]}")
    await chat.send("/status")
    said = chat.text
    assert "Selasa, 30 November 2021 pukul 23.59 WIB" in said  # as the program states it
    assert f"di tempatmu: {local}" in said  # and the participant's own clock
    assert left in said
    assert "1 hari lagi" not in said


async def test_wib_shows_no_second_time(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)
    _at(clock, "2021-11-30T20:00+07:00")
    await chat.send("/status")
    assert "pukul 23.59 WIB — tinggal 3 jam 59 menit lagi" in chat.text
    assert "di tempatmu" not in chat.text


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (
            "WITA",
            {
                "h7": "7 hari lagi",
                "h3": "3 hari lagi",
                "h1": "1 hari lagi",
                "h0_morning": "tinggal 15 jam 59 menit lagi",
                "h0_evening": "tinggal 4 jam 59 menit lagi",
            },
        ),
        (
            "WIT",
            {
                "h7": "7 hari lagi",
                "h3": "3 hari lagi",
                "h1": "1 hari lagi",
                "h0_morning": "tinggal 16 jam 59 menit lagi",
                "h0_evening": "tinggal 5 jam 59 menit lagi",
            },
        ),
    ],
)
async def test_each_reminder_says_the_time_left_when_due(
    chat: Chat,
    clock: FakeClock,
    store: SqlStore,
    program: Program,
    zone: str,
    expected: dict[str, str],
) -> None:
    await onboard(chat, zone=zone)
    participant = await store.get_participant("test", "u1")
    assert participant is not None
    planned = [p for p in plan(participant, program, clock.now()) if p.kind == REMINDER]
    assert [p.rule for p in planned] == list(expected)
    notices = NoticeRegistry(program, clock, store, all_notices())
    for reminder in planned:
        text = (
            notices.render(REMINDER, participant, reminder.payload, reminder.due).replies[0].text
        )
        assert expected[reminder.rule] in text, (reminder.rule, text)
        assert "Selasa, 30 November 2021 pukul 23.59 WIB" in text
        assert "di tempatmu" in text


async def test_why_the_first_of_december(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat, zone="WITA")
    _at(clock, "2021-11-30T20:00+08:00")
    await chat.send("lho kok 1 desember?")
    said = chat.text
    assert "30 November 2021 pukul 23.59 WIB" in said
    assert "Rabu, 1 Desember 2021 pukul 00.59 WITA" in said
    assert "tinggal 4 jam 59 menit lagi" in said
    assert "Rp" not in said  # not the benefit amounts


def test_a_late_reminder_is_worded_for_when_it_arrives() -> None:
    due = datetime.fromisoformat("2021-11-30T20:00+08:00")
    assert rendered_at(due, due + timedelta(minutes=1)) == due  # a re-send: the same words
    assert rendered_at(due, due + timedelta(minutes=40)) is None  # late: worded as of now
