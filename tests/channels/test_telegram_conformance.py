"""Every Telegram update shape is handled or ignored with one WARNING line of ids; update ids
already processed are ignored; long polling skips an update it cannot parse and goes on; at
DEBUG nothing a participant typed reaches any log record (python-telegram-bot's included)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.app.runner import run_services
from bot.app.wiring import open_app
from bot.core import log_privacy
from bot.core.clock import FakeClock
from bot.core.config import load_settings
from bot.storage.store import SqlStore
from tests.channels.telegram_support import TelegramDriver
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import chat_json, message_json, text_json, user_json
from tests.helpers import free_port

SECRET_TEXT = "Kak, kode OTP saya 483921, nama saya Siti Rahayu"


def _wrapped(kind: str, text: str = SECRET_TEXT) -> dict[str, Any]:
    data = text_json(text, user_id=77)
    data[kind] = data.pop("message")
    return data


SHAPES: dict[str, dict[str, Any]] = {
    "edited_message": {**_wrapped("edited_message")},
    "business_message": {
        **_wrapped("business_message"),
    },
    "channel_post": {
        "update_id": 990001,
        "channel_post": {
            "message_id": 5,
            "date": 1637377200,
            "chat": {"id": -1001, "type": "channel", "title": "Info"},
            "sender_chat": {"id": -1001, "type": "channel", "title": "Info"},
            "text": SECRET_TEXT,
        },
    },
    "no_from": {
        "update_id": 990002,
        "message": {
            "message_id": 6,
            "date": 1637377200,
            "chat": chat_json(77),
            "text": SECRET_TEXT,
        },
    },
    "future_type": {"update_id": 990003, "holographic_message": {"text": SECRET_TEXT}},
    "message_reaction": {
        "update_id": 990004,
        "message_reaction": {
            "chat": chat_json(77),
            "message_id": 3,
            "user": user_json(77),
            "date": 1637377200,
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        },
    },
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
async def test_unhandled_shapes_are_ignored_with_one_warning_of_ids(
    tg: TelegramDriver, caplog: pytest.LogCaptureFixture, shape: str
) -> None:
    caplog.set_level(logging.DEBUG)
    sent = await tg.feed(SHAPES[shape])
    assert sent == []
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    line = warnings[0].getMessage()
    assert "ignored" in line and str(SHAPES[shape]["update_id"]) in line
    assert "483921" not in line and "Siti" not in line


async def test_group_message_without_from_still_gets_the_private_only_answer(
    tg: TelegramDriver,
) -> None:
    data = message_json(chat_id=-500, chat_type="supergroup", text="halo")
    del data["message"]["from"]
    data["message"]["sender_chat"] = {"id": -500, "type": "supergroup", "title": "Grup"}
    sent = await tg.feed(data)
    assert len(sent) == 1 and "chat pribadi" in sent[0]["text"]


async def test_an_update_delivered_twice_is_answered_once(tg: TelegramDriver) -> None:
    data = text_json("/start", user_id=78)
    first = await tg.feed(data)
    again = await tg.feed(data)
    assert len(first) == 2 and again == []


async def test_processed_update_ids_are_pruned_after_a_day(
    store: SqlStore, clock: FakeClock
) -> None:
    from datetime import timedelta

    assert await store.claim_update("telegram", "1", "5", clock.now())
    assert not await store.claim_update("telegram", "1", "5", clock.now())
    assert await store.prune_updates(clock.now() - timedelta(days=1)) == 0
    assert await store.prune_updates(clock.now() + timedelta(seconds=1)) == 1
    assert await store.claim_update("telegram", "1", "5", clock.now())


def _poison(update_id: int) -> dict[str, Any]:
    # A `message` whose chat is a string: python-telegram-bot 22 cannot build a Chat from it.
    return {
        "update_id": update_id,
        "message": {"message_id": 1, "date": 1637377200, "chat": SECRET_TEXT, "text": "x"},
    }


async def _run_polling(
    tmp_path: Path, clock: FakeClock, updates: list[dict[str, Any]], chat: int, count: int
) -> FakeBotApi:
    port = free_port()
    async with FakeBotApi() as api:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            telegram_bot_token=TOKEN,
            telegram_base_url=api.base_url,
            web_listen=f"127.0.0.1:{port}",
        )
        stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        async with open_app(settings, clock) as app:
            running = asyncio.create_task(run_services(app, stopped))
            await api.state.wait_called("getUpdates")
            api.state.updates.extend(updates)
            await api.state.wait_sent(chat, count)
            await asyncio.sleep(0.2)  # a wedged poller would now refetch the same offset
            stopped.set_result(None)
            await running
    return api


async def test_polling_skips_a_poison_update_and_goes_on(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    first = text_json("/start", user_id=9)
    first["update_id"] = 50
    poison_last = _poison(52)
    api = await _run_polling(tmp_path, clock, [_poison(49), first, poison_last], 9, 2)
    offsets = [int(p.get("offset") or 0) for p in api.state.of("getUpdates")]
    # confirmed past the poison update that ended the batch, and never fetched again
    assert offsets[-1] == 53 and offsets == sorted(offsets)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    skipped = [r.getMessage() for r in caplog.records if "cannot be parsed" in r.getMessage()]
    assert len(skipped) == 2 and all(SECRET_TEXT not in line for line in skipped)


async def test_debug_logs_never_carry_what_a_participant_typed(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The real stack (aiohttp transport, python-telegram-bot, our handlers) at DEBUG."""
    log_privacy.install()
    caplog.set_level(logging.DEBUG)
    secret = text_json("kode otp ku 483 921 ya kak, aku Siti Rahayu", user_id=10)
    secret["message"]["from"]["first_name"] = "Siti"
    secret["message"]["chat"]["first_name"] = "Siti"
    await _run_polling(tmp_path, clock, [text_json("/start", user_id=10), secret], 10, 3)
    assert caplog.records
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "") + str(record.exc_info or "")
        for needle in ("483 921", "483921", "Siti", "Rahayu", TOKEN):
            assert needle not in text, (record.name, record.levelname, text[:200])


async def test_hapus_deletes_the_update_id_rows_and_checkpoints_the_wal(
    tg: TelegramDriver, store: SqlStore, db_path: Path
) -> None:
    user = 4242424242
    await tg.send("/start", user_id=user)
    await tg.send("/hapus", user_id=user)
    await tg.press("delete:yes", user_id=user)
    rows = await store.db.fetchall("SELECT COUNT(*) FROM inbound_updates")
    assert [tuple(r) for r in rows] == [(0,)]
    for path in (db_path, Path(f"{db_path}-wal")):
        if path.exists():
            assert str(user).encode() not in path.read_bytes(), path.name
