"""TelegramSender: HTML parts, keyboards, and Telegram's answers as delivery outcomes."""

from __future__ import annotations

import html

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram.commands import register_commands
from bot.channels.telegram.render import MAX_TEXT, CallbackIds, split_text
from bot.channels.telegram.sender import TelegramSender
from bot.core.domain import Option, Reply
from bot.core.outbound import Outbound, Outcome
from tests.fakes.bot_api import TOKEN, BotApiState, FakeBotApi, RecordingRequest


@pytest.fixture
async def sender(recording: RecordingRequest) -> TelegramSender:
    bot = Bot(TOKEN, request=recording, get_updates_request=recording)
    await bot.initialize()
    return TelegramSender(bot)


def out(*replies: Reply, **kw: bool) -> Outbound:
    return Outbound("42", replies, **kw)  # type: ignore[arg-type]


async def test_sent_with_html_and_inline_keyboard(
    sender: TelegramSender, bot_api: BotApiState
) -> None:
    reply = Reply("Rp600.000 & <lebih>", (Option("menu:show", "Kembali ke menu"),))
    delivery = await sender.send(out(reply))
    assert delivery.outcome == Outcome.SENT and delivery.message_ids == ("1",)
    (params,) = bot_api.of("sendMessage")
    assert params["text"] == "Rp600.000 &amp; &lt;lebih&gt;"
    assert params["parse_mode"] == "HTML"
    assert params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Kembali ke menu", "callback_data": "menu:show"}]]
    }
    assert "allow_paid_broadcast" not in params


async def test_long_message_split_at_paragraphs(
    sender: TelegramSender, bot_api: BotApiState
) -> None:
    paragraphs = [f"Paragraf {n}: " + "kata & " * 150 for n in range(10)]
    reply = Reply("\n\n".join(paragraphs), (Option("menu:show", "Menu"),))
    delivery = await sender.send(out(reply))
    sent = bot_api.of("sendMessage")
    assert len(sent) > 1 and len(delivery.message_ids) == len(sent)
    assert all(len(p["text"]) <= MAX_TEXT for p in sent)
    assert all(p["text"].startswith("Paragraf") for p in sent)  # cut between paragraphs
    assert html.unescape("\n\n".join(p["text"] for p in sent)) == reply.text
    assert [("reply_markup" in p) for p in sent] == [False] * (len(sent) - 1) + [True]


def test_split_without_paragraphs_still_fits() -> None:
    parts = split_text("x" * 10_000)
    assert [len(p) for p in parts] == [2500, 2500, 2500, 2500]
    assert split_text("& " * 3000) == [p for p in split_text("& " * 3000) if len(p) <= MAX_TEXT]


def test_long_callback_data_hashed_within_64_bytes() -> None:
    ids = CallbackIds()
    long_id = "platform:" + "sangat-panjang-" * 10
    data = ids.encode(long_id)
    assert len(data.encode()) <= 64
    assert ids.decode(data) == long_id
    assert ids.encode("menu:show") == "menu:show"


async def test_contact_request_becomes_reply_keyboard(
    sender: TelegramSender, bot_api: BotApiState
) -> None:
    await sender.send(out(Reply("Kirim nomormu", request_contact=True)))
    (params,) = bot_api.of("sendMessage")
    keyboard = params["reply_markup"]["keyboard"]
    assert keyboard == [[{"text": "📱 Kirim nomor HP-ku", "request_contact": True}]]


async def test_paid_broadcast_flag(sender: TelegramSender, bot_api: BotApiState) -> None:
    await sender.send(out(Reply("Pengumuman"), paid_broadcast=True))
    assert bot_api.of("sendMessage")[0]["allow_paid_broadcast"] == "true"


@pytest.mark.parametrize(
    ("code", "description", "outcome"),
    [
        (403, "Forbidden: bot was blocked by the user", Outcome.UNREACHABLE),
        (400, "Bad Request: can't parse entities", Outcome.PERMANENT),
        (502, "Bad Gateway", Outcome.TRANSIENT),
    ],
)
async def test_error_answers_mapped(
    sender: TelegramSender, bot_api: BotApiState, code: int, description: str, outcome: Outcome
) -> None:
    bot_api.errors["42"] = (code, description)
    delivery = await sender.send(out(Reply("Halo")))
    assert delivery.outcome == outcome
    assert delivery.error is not None
    assert description.split(":")[-1].strip().lower() in delivery.error.lower()


async def test_rate_limit_maps_to_retry_after(sender: TelegramSender) -> None:
    state = sender.bot.request
    assert isinstance(state, RecordingRequest)
    state.state.max_per_second = 1
    state.state.retry_after = 7
    assert (await sender.send(out(Reply("satu")))).outcome == Outcome.SENT
    delivery = await sender.send(out(Reply("dua")))
    assert delivery.outcome == Outcome.RETRY_AFTER and delivery.retry_after == 7


@pytest.mark.parametrize("error", [NetworkError("connection reset"), TimedOut()])
async def test_network_errors_are_transient(
    sender: TelegramSender, recording: RecordingRequest, error: Exception
) -> None:
    recording.fail_with = error
    assert (await sender.send(out(Reply("Halo")))).outcome == Outcome.TRANSIENT


async def test_partial_send_keeps_the_ids_sent(
    sender: TelegramSender, bot_api: BotApiState
) -> None:
    bot_api.max_per_second = 1
    delivery = await sender.send(out(Reply("satu"), Reply("dua")))
    assert delivery.outcome == Outcome.RETRY_AFTER and delivery.message_ids == ("1",)


async def test_command_menu_in_both_languages(
    sender: TelegramSender, bot_api: BotApiState
) -> None:
    await register_commands(sender.bot)
    indonesian, english = bot_api.of("setMyCommands")
    names = ["start", "menu", "status", "pengingat", "berhenti", "hapus", "bantuan", "bahasa"]
    assert [c["command"] for c in indonesian["commands"]] == [*names, "batal"]
    assert "language_code" not in indonesian and english["language_code"] == "en"
    assert indonesian["commands"][0]["description"] != english["commands"][0]["description"]


async def test_through_a_loopback_fake_bot_api() -> None:
    async with FakeBotApi(max_per_second=2, retry_after=3) as api:
        bot = Bot(TOKEN, base_url=api.base_url)
        async with bot:
            sender = TelegramSender(bot)
            outcomes = [(await sender.send(out(Reply(f"n{n}")))).outcome for n in range(3)]
        assert outcomes == [Outcome.SENT, Outcome.SENT, Outcome.RETRY_AFTER]
        assert api.state.sent["42"] == 2 and api.state.throttled == 1
        assert api.state.unexpected == []
