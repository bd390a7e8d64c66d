"""Webhook updates read straight from the JSON (bot/channels/telegram/light.py): whenever an
update is read that way, python-telegram-bot reads the same update into the same domain
message, through the handler the light one stands for; anything else is left to it. Checked
on the real payload corpus and on thousands of mutated text messages and button presses."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.constants import ChatType

from bot.channels.telegram.content import incoming, light_incoming
from bot.channels.telegram.light import LightUpdate, light_update
from bot.channels.telegram.ordering import update_key
from bot.channels.telegram.shape import problem, unhandled
from bot.core.domain import InputKind
from tests.fakes.telegram_updates import callback_json, message_json, text_json

AT = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)
CORPUS = sorted((Path(__file__).resolve().parent.parent / "data/payloads/telegram").glob("*.json"))
ODD: list[Any] = [None, 0, -1, 2**40, True, "", "x", "private", [], {}, [{}], {"id": 1}, 1.5]


def _updates(path: Path) -> list[Any]:
    data = json.loads(path.read_text("utf-8"))
    if isinstance(data, dict) and isinstance(data.get("result"), list):
        return list(data["result"])
    return data if isinstance(data, list) else [data]


def _mutate(rng: random.Random, value: Any) -> None:
    """One random change somewhere inside: a field removed, retyped or added."""
    while True:
        keys = list(value) if isinstance(value, dict) else list(range(len(value)))
        if not keys:
            return
        key = rng.choice(keys)
        child = value[key]
        if isinstance(child, dict | list) and child and rng.random() < 0.6:
            value = child
            continue
        action = rng.random()
        if action < 0.3 and isinstance(value, dict):
            del value[key]
        elif action < 0.8:
            value[key] = copy.deepcopy(rng.choice(ODD))
        elif isinstance(value, dict):
            name = rng.choice(["is_premium", "edit_date", "caption", "contact", "via_bot", "type"])
            value[name] = copy.deepcopy(rng.choice(ODD))
        return


def check(data: dict[str, Any]) -> LightUpdate | None:
    """The light reading, asserted to agree with python-telegram-bot's whenever there is one."""
    light = light_update(data)
    if light is None:
        return None
    assert problem(data) is None
    update = Update.de_json(copy.deepcopy(data), None)
    assert unhandled(update) is None
    assert update_key(update) == update_key(light)
    chat = update.effective_chat
    assert chat is not None and chat.type == ChatType.PRIVATE
    if light.query_id is None:
        message = update.message
        assert message is not None and message.text and message.contact is None
        assert update.callback_query is None and update.my_chat_member is None
        expected = incoming(update, AT, InputKind.TEXT, text=message.text)
        assert light_incoming(light, AT, InputKind.TEXT) == expected
    else:
        query = update.callback_query
        assert query is not None and query.data == light.data and query.id == light.query_id
        expected = incoming(update, AT, InputKind.CHOICE, choice="c")
        assert light_incoming(light, AT, InputKind.CHOICE, "c") == expected
    return light


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_real_payloads_are_read_alike(path: Path) -> None:
    for data in _updates(path):
        if isinstance(data, dict):
            check(data)


def test_the_usual_updates_are_read_light() -> None:
    for data in (text_json("halo"), text_json("/menu"), callback_json("menu:status")):
        assert check(data) is not None
    extras = text_json("hai")
    extras["message"]["from"].update(is_premium=True, username="budi", last_name="S")
    assert check(extras) is not None


@pytest.mark.parametrize(
    "data",
    [
        text_json("hai", chat_type="group"),
        text_json(""),
        message_json(contact={"phone_number": "+62812", "first_name": "B", "user_id": 42}),
        message_json(
            text="fwd", forward_origin={"type": "hidden_user", "date": 1, "sender_user_name": "A"}
        ),
        {**text_json("x"), "edited_message": text_json("y")["message"]},
        {"update_id": 5, "edited_message": text_json("y")["message"]},
    ],
)
def test_other_shapes_are_left_to_python_telegram_bot(data: dict[str, Any]) -> None:
    assert light_update(data) is None


def test_a_bot_or_an_unreadable_date_is_left_alone() -> None:
    from_bot = text_json("hai")
    from_bot["message"]["from"]["is_bot"] = True
    late = text_json("hai")
    late["message"]["date"] = 2**40
    pressed_on_nothing = callback_json("menu:status")
    del pressed_on_nothing["callback_query"]["message"]
    for data in (from_bot, late, pressed_on_nothing):
        assert light_update(data) is None


def test_thousands_of_mutated_updates_are_read_alike_or_left_alone() -> None:
    rng = random.Random(21)
    seen = 0
    for n in range(4000):
        data = text_json("/menu" if n % 3 else "halo") if n % 2 else callback_json("menu:show")
        for _ in range(rng.randint(1, 2)):
            _mutate(rng, data)
        try:
            read = check(data)
        except AssertionError:
            raise AssertionError(json.dumps(data)) from None
        seen += read is not None
    assert seen > 200  # the harmless changes are still read light
