"""Sending through the Bot API, with Telegram's answers mapped to delivery outcomes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.render import CallbackIds, Message, messages
from bot.core.i18n import N_, Translator
from bot.core.outbound import Delivery, Outbound, Outcome

log = logging.getLogger(__name__)

CHANNEL = "telegram"
CONTACT_LABEL = N_("📱 Share my phone number")


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def outcome_of(exc: Exception) -> Delivery:
    """Telegram's error as a delivery outcome (the order matters: BadRequest is a
    NetworkError in python-telegram-bot)."""
    if isinstance(exc, RetryAfter):
        return Delivery(Outcome.RETRY_AFTER, retry_after=_seconds(exc.retry_after), error=str(exc))
    if isinstance(exc, Forbidden):
        return Delivery(Outcome.UNREACHABLE, error=str(exc))
    if isinstance(exc, BadRequest):
        return Delivery(Outcome.PERMANENT, error=str(exc))
    if isinstance(exc, NetworkError | TelegramError):  # TimedOut is a NetworkError
        return Delivery(Outcome.TRANSIENT, error=str(exc))
    return Delivery(Outcome.TRANSIENT, error=f"{type(exc).__name__}: {exc}")


# Offered the last message of a reply to an inbound update: True when it will travel in the
# answer to Telegram's webhook call instead (see webhook.WebhookAnswers).
AnswerSlot = Callable[[dict[str, Any]], bool]


async def send_message_id(bot: Bot, chat_id: str, part: Message, paid: bool) -> str:
    """sendMessage through python-telegram-bot's own request path (`Bot._post`: defaults,
    RequestData, Telegram's errors as exceptions), returning just the new message's id.

    `Bot.send_message` would also turn Telegram's answer into a `Message` object, which
    bench/telegram_inbound.py measured as a fifth of the bot's CPU; nobody reads it.
    """
    data: dict[str, Any] = {
        "chat_id": chat_id,
        "text": part.text,
        "parse_mode": ParseMode.HTML.value,
        "reply_markup": part.markup.json if part.markup is not None else None,
        "allow_paid_broadcast": True if paid else None,  # None values are not sent
    }
    result = await bot._post("sendMessage", data)
    return str(result["message_id"])


class TelegramSender:
    """The `Sender` for Telegram: one reply may become several messages (4,096-char parts)."""

    channel = CHANNEL

    def __init__(self, bot: Bot, ids: CallbackIds | None = None) -> None:
        self.bot = bot
        self.ids = ids or CallbackIds()

    async def send(self, message: Outbound, answer: AnswerSlot | None = None) -> Delivery:
        """Sends every part in order; stops at the first failure (ids sent so far kept).

        With `answer` (a reply to a webhook update), the last part is offered to it once all
        earlier parts are confirmed, so the order holds; a part sent that way has no id and
        its failure is not seen (Telegram does not report on webhook answers).
        """
        contact_label = Translator(message.locale, "Asia/Jakarta")._(CONTACT_LABEL)
        parts = [p for reply in message.replies for p in messages(reply, self.ids, contact_label)]
        sent: list[str] = []
        for index, part in enumerate(parts):
            if (
                answer is not None
                and index == len(parts) - 1
                and not message.paid_broadcast
                and answer(part.params(message.chat_id))
            ):
                break
            try:
                sent.append(
                    await send_message_id(self.bot, message.chat_id, part, message.paid_broadcast)
                )
            except Exception as exc:  # a sender never raises
                delivery = outcome_of(exc)
                log.warning(
                    "telegram send to chat %s: %s (%s)",
                    message.chat_id,
                    delivery.outcome.value,
                    type(exc).__name__,
                )
                return Delivery(
                    delivery.outcome,
                    retry_after=delivery.retry_after,
                    error=delivery.error,
                    message_ids=tuple(sent),
                )
        return Delivery(Outcome.SENT, message_ids=tuple(sent))
