"""Sending through the Bot API, with Telegram's answers mapped to delivery outcomes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram.render import CallbackIds, Message, messages
from bot.core.i18n import N_, Translator
from bot.core.outbound import Delivery, Outbound, Outcome
from bot.outbox.pacing import BROADCAST, REPLY, Pacer

log = logging.getLogger(__name__)

CHANNEL = "telegram"
CONTACT_LABEL = N_("📱 Share my phone number")
_HTML = ParseMode.HTML.value
REPLY_ATTEMPTS = 5  # a reply's part: sent again after a 429 (retry_after) or a network error


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


async def bot_post(bot: Bot, method: str, params: dict[str, str]) -> Any:
    """A Bot API call whose parameters are strings already, through the bot's own request
    object (Telegram's errors raised as python-telegram-bot's exceptions), without `Bot._post`'s
    defaults and per-value conversion, which the bot does not use (bench/telegram_inbound.py)."""
    data = RequestData([RequestParameter(name, value, None) for name, value in params.items()])
    return await bot.request.post(f"{bot.base_url}/{method}", request_data=data)


async def send_message_id(bot: Bot, chat_id: str, part: Message, paid: bool) -> str:
    """sendMessage, returning just the new message's id (`Bot.send_message` would also turn
    Telegram's answer into a `Message` object, which bench/telegram_inbound.py measured as a
    fifth of the bot's CPU; nobody reads it)."""
    params = {"chat_id": chat_id, "text": part.text, "parse_mode": _HTML}
    if part.markup is not None:
        params["reply_markup"] = part.markup.json
    if paid:
        params["allow_paid_broadcast"] = "true"
    result = await bot_post(bot, "sendMessage", params)
    return str(result["message_id"])


class TelegramSender:
    """The `Sender` for Telegram: one reply may become several messages (4,096-char parts)."""

    channel = CHANNEL

    def __init__(
        self,
        bot: Bot,
        ids: CallbackIds | None = None,
        pacer: Pacer | None = None,
        *,
        reply_attempts: int = REPLY_ATTEMPTS,
    ) -> None:
        self.bot = bot
        self.ids = ids or CallbackIds()
        self.pacer = pacer  # shared with the outbox worker (bot/outbox/pacing.py)
        self.reply_attempts = reply_attempts

    async def answer_query(self, query_id: str) -> None:
        """Stops a pressed button's spinner (answerCallbackQuery, as `CallbackQuery.answer()`)."""
        await bot_post(self.bot, "answerCallbackQuery", {"callback_query_id": query_id})

    def parts(self, message: Outbound) -> list[list[Message]]:
        """The Bot API messages of each reply (a long reply becomes several)."""
        contact_label = (  # only a reply asking for the phone number has the button
            Translator(message.locale, "Asia/Jakarta")._(CONTACT_LABEL)
            if any(reply.request_contact for reply in message.replies)
            else ""
        )
        return [messages(reply, self.ids, contact_label) for reply in message.replies]

    async def _send_part(
        self, chat_id: str, part: Message, paid: bool, reply: bool
    ) -> tuple[str | None, Exception | None]:
        """One part: a reply waits its turn (ahead of broadcasts) and a 429 is waited out and
        the part sent again, a few times; an outbox row's part goes once (the worker retries)."""
        attempts = self.reply_attempts if reply else 1
        for attempt in range(1, attempts + 1):
            if reply and self.pacer is not None:
                await self.pacer.turn(chat_id, REPLY)
            try:
                return await send_message_id(self.bot, chat_id, part, paid), None
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                if self.pacer is not None:
                    self.pacer.pause(wait)
                if attempt == attempts:
                    return None, exc
                log.info("telegram 429 for chat %s: waiting %.1fs", chat_id, wait)
                if self.pacer is None:
                    await asyncio.sleep(wait)
            except (NetworkError, TelegramError) as exc:
                if isinstance(exc, BadRequest | Forbidden) or attempt == attempts:
                    return None, exc
                await asyncio.sleep(min(2.0**attempt, 8.0) * 0.25)
            except Exception as exc:
                return None, exc
        raise AssertionError("unreachable")

    async def send(
        self, message: Outbound, answer: AnswerSlot | None = None, *, reply: bool = False
    ) -> Delivery:
        """Sends every part in order; stops at the first failure (ids sent so far kept).

        With `answer` (a reply to a webhook update), the last part is offered to it once all
        earlier parts are confirmed, so the order holds; a part sent that way has no id and
        its failure is not seen (Telegram does not report on webhook answers). With `reply`,
        each part waits for the channel's pacer (replies first) and a 429 is honoured and the
        part retried (see `_send_part`).
        """
        parts = [p for group in self.parts(message) for p in group]
        sent: list[str] = []
        for index, part in enumerate(parts):
            if (
                answer is not None
                and index == len(parts) - 1
                and not message.paid_broadcast
                and answer(part.params(message.chat_id))
            ):
                break
            if index > 0 and not reply and self.pacer is not None:
                await self.pacer.turn(message.chat_id, BROADCAST)  # the row's later parts
            message_id, exc = await self._send_part(
                message.chat_id, part, message.paid_broadcast, reply
            )
            if message_id is not None:
                sent.append(message_id)
            else:  # a sender never raises
                assert exc is not None
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
