"""/pengingat: upcoming reminders in the participant's zone, turning them off and on."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat
from tests.outbox_helpers import planning_engine


@pytest.fixture
def chat(store: SqlStore, program: Program, clock: FakeClock) -> Chat:
    return Chat(planning_engine(store, program, clock), clock)


async def test_lists_upcoming_reminders_in_the_zone(chat: Chat) -> None:
    await onboard(chat, zone="WITA")
    await chat.send("/pengingat")
    assert "Pengingat batas waktu aktif." in chat.text
    assert "• Selasa, 23 November 2021 pukul 09.00 WITA" in chat.text
    assert "• Selasa, 30 November 2021 pukul 20.00 WITA" in chat.text
    assert chat.text.count("•") == 5
    await chat.press("reminders:off")
    await chat.send("/pengingat")
    assert "Pengingat batas waktu nonaktif." in chat.text
    await chat.press("reminders:on")
    await chat.send("/pengingat")
    assert chat.text.count("•") == 5


async def test_nothing_left_on_the_last_day(chat: Chat, clock: FakeClock) -> None:
    clock.set(clock.now().replace(day=30, hour=14))  # 21:00 WIB on the deadline day
    await onboard(chat)
    await chat.send("/pengingat")
    assert "Tidak ada pengingat lagi sebelum batas waktumu." in chat.text


async def test_reminders_page_after_purchase_says_they_are_done(chat: Chat) -> None:
    await onboard(chat)
    await chat.press("menu:purchase")
    await chat.press("purchase:done")
    await chat.send("/pengingat")
    assert "tidak ada pengingat batas waktu lagi" in chat.text
    assert "reminders:off" not in chat.option_ids
