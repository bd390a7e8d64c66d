"""The Telegram channel end to end through python-telegram-bot's Application."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.inbound import TelegramChannel
from bot.channels.telegram.runtime import build_application
from bot.channels.telegram.sender import TelegramSender
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.program import Program, load_program
from bot.storage.store import SqlStore
from handlers.router import route
from tests.channels.telegram_support import TelegramDriver, buttons, joined
from tests.fakes.bot_api import TOKEN, BotApiState, RecordingRequest
from tests.fakes.telegram_updates import (
    callback_json,
    message_json,
    my_chat_member_json,
    text_json,
)

DEADLINE = "Batas beli pelatihan pertamamu: Selasa, 30 November 2021 pukul 23.59 WIB"


async def test_guided_path_by_text(tg: TelegramDriver) -> None:
    sent = await tg.send("/start")
    assert "bukan layanan resmi" in joined(sent)
    assert "wave:22" in buttons(sent)
    sent = await tg.send("22")
    assert buttons(sent) == ["tz:WIB", "tz:WITA", "tz:WIT"]
    sent = await tg.send("WIB")
    assert DEADLINE in joined(sent)
    assert "menu:dashboard" in buttons(sent)
    assert all(p["parse_mode"] == "HTML" and str(p["chat_id"]) == "42" for p in sent)


async def test_guided_path_by_buttons_answers_every_callback(tg: TelegramDriver) -> None:
    await tg.send("/start")
    sent = await tg.press("wave:22")
    assert buttons(sent) == ["tz:WIB", "tz:WITA", "tz:WIT"]
    sent = await tg.press("tz:WIB")
    assert DEADLINE in joined(sent)
    sent = await tg.press("menu:status")
    assert sent
    answered = tg.state.of("answerCallbackQuery")
    assert len(answered) == 3
    assert all(a["callback_query_id"].startswith("cq") for a in answered)


async def test_old_menu_button_says_outdated(tg: TelegramDriver) -> None:
    await tg.send("/start")
    await tg.send("22")
    await tg.send("WIB")
    sent = await tg.press("fitur:lama-yang-sudah-dihapus")
    assert "Menu itu sudah kedaluwarsa" in joined(sent)
    assert "menu:dashboard" in buttons(sent)
    assert len(tg.state.of("answerCallbackQuery")) == 1


async def test_start_deep_link_payload(tg: TelegramDriver) -> None:
    sent = await tg.send("/start 22")
    assert buttons(sent) == ["tz:WIB", "tz:WITA", "tz:WIT"]


async def test_language_code_picks_english_on_first_contact(tg: TelegramDriver) -> None:
    sent = await tg.feed(text_json("/start", language_code="en-US"))
    assert "I'm not the official program" in joined(sent)
    assert "bukan layanan resmi" not in joined(sent)


async def test_group_chat_answered_once_and_nothing_kept(
    tg: TelegramDriver, store: SqlStore
) -> None:
    first = await tg.feed(text_json("/start", chat_id=-100777, chat_type="supergroup"))
    assert len(first) == 1
    assert "chat pribadi" in first[0]["text"]
    assert str(first[0]["chat_id"]) == "-100777"
    again = await tg.feed(text_json("halo", chat_id=-100777, chat_type="supergroup"))
    assert again == []
    assert await store.get_participant("telegram", "42") is None


async def test_non_text_messages_get_a_polite_ask_for_text(tg: TelegramDriver) -> None:
    kinds: list[tuple[dict[str, Any], str]] = [
        ({"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512,
                      "height": 512, "is_animated": False, "is_video": False}}, "Stikernya"),
        ({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]},
         "Kirim pesan teks ya"),
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, "pesan suara"),
        ({"location": {"latitude": -6.2, "longitude": 106.8}}, "lokasinya"),
    ]  # fmt: skip
    for content, expected in kinds:
        sent = await tg.feed(message_json(**content))
        assert expected in joined(sent)
        assert buttons(sent)  # the question (with its buttons) is asked again


async def test_shared_contact_arrives_as_contact(tg: TelegramDriver, engine: Engine) -> None:
    seen = []
    original = engine.handle

    async def spy(msg):  # type: ignore[no-untyped-def]
        seen.append(msg)
        return await original(msg)

    engine.handle = spy  # type: ignore[method-assign]
    contact = {"phone_number": "+6281234567890", "first_name": "Budi", "user_id": 42}
    await tg.feed(message_json(contact=contact))
    assert seen[0].kind == "contact" and seen[0].phone == "+6281234567890"
    someone_else = {**contact, "user_id": 99}
    await tg.feed(message_json(contact=someone_else))
    assert seen[1].kind == "unsupported" and seen[1].phone is None


async def test_blocked_user_marked_unreachable_and_pending_rows_cancelled(
    tg: TelegramDriver, store: SqlStore, clock: FakeClock
) -> None:
    await tg.send("/start")
    await tg.send("22")
    await tg.send("WIB")
    participant = await store.get_participant("telegram", "42")
    assert participant is not None and participant.id is not None
    later = clock.now() + timedelta(days=1)
    await store.enqueue(participant.id, "reminder", later, {}, "r1", now=clock.now())
    sent = await tg.feed(my_chat_member_json("kicked"))
    assert sent == []
    blocked = await store.get_participant("telegram", "42")
    assert blocked is not None and blocked.unreachable
    assert [row[0] for row in await store.db.fetchall("SELECT state FROM outbox")] == ["cancelled"]
    await tg.feed(my_chat_member_json("member"))
    back = await store.get_participant("telegram", "42")
    assert back is not None and not back.unreachable


@pytest.fixture
def odd_program(tmp_path: Path) -> Program:
    """The shipped program with a platform named like markup."""
    shipped = Path(__file__).resolve().parents[2] / "bot" / "data" / "program.toml"
    original = shipped.read_text("utf-8")
    text = original.replace('name = "Bukalapak"', 'name = "<b>Budi & Co</b>"', 1)
    program_file = tmp_path / "program.toml"
    program_file.write_text(text, "utf-8")
    return load_program(program_file)


async def test_html_escaping_of_data_strings(
    odd_program: Program, store: SqlStore, clock: FakeClock
) -> None:
    engine = Engine(store, odd_program, clock, route)
    state = BotApiState()
    application = build_application(TOKEN, polling=False, request=RecordingRequest(state))
    channel = TelegramChannel(engine, store, clock, TelegramSender(application.bot))
    channel.install(application)
    await application.initialize()
    tg = TelegramDriver(application, channel, state)
    try:
        await tg.send("/start")
        await tg.send("22")
        await tg.send("WIB")
        sent = await tg.press("menu:platforms")
    finally:
        await application.shutdown()
    assert "&lt;b&gt;Budi &amp; Co&lt;/b&gt;" in joined(sent)
    assert "<b>" not in joined(sent)


async def test_one_participant_in_order_others_concurrently(
    tg: TelegramDriver, recording: RecordingRequest
) -> None:
    """A's first reply is held on its way out; A's next message must not overtake it, while B
    is served in the meantime."""
    application = tg.application
    await tg.send("/start", user_id=1)
    await tg.send("22", user_id=1)
    await tg.send("WIB", user_id=1)
    before = len(tg.state.texts(1))
    gate = asyncio.Event()
    recording.holds.append(
        ("sendMessage", lambda p: p["chat_id"] == "1" and p["text"].startswith("Language"), gate)
    )
    await application.start()
    try:
        for data in (callback_json("lang:en", user_id=1), text_json("/menu", user_id=1)):
            await application.update_queue.put(tg.update(data))
        await application.update_queue.put(tg.update(text_json("/start", user_id=2)))
        await tg.state.wait_sent(2, 2)  # B is answered in full while A's reply is held
        assert tg.state.texts(1)[before:] == []
        gate.set()
        await tg.state.wait_sent(1, before + 2)
    finally:
        gate.set()
        await application.stop()
    assert tg.state.texts(1)[before:] == ["Language set to English.", "What would you like to do?"]
