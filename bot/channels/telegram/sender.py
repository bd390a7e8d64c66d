"""Sending through the Bot API, with Telegram's answers mapped to delivery outcomes."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.base import Delivery, Outbound, Outcome
from bot.channels.telegram.render import CallbackIds, messages
from bot.i18n import N_, Translator

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


class TelegramSender:
    """The `Sender` for Telegram: one reply may become several messages (4,096-char parts)."""

    channel = CHANNEL

    def __init__(self, bot: Bot, ids: CallbackIds | None = None) -> None:
        self.bot = bot
        self.ids = ids or CallbackIds()

    async def send(self, message: Outbound) -> Delivery:
        """Sends every part in order; stops at the first failure (ids sent so far kept)."""
        contact_label = Translator(message.locale, "Asia/Jakarta")._(CONTACT_LABEL)
        sent: list[str] = []
        for reply in message.replies:
            for part in messages(reply, self.ids, contact_label):
                try:
                    result = await self.bot.send_message(
                        chat_id=message.chat_id,
                        text=part.text,
                        parse_mode=ParseMode.HTML,
                        reply_markup=part.markup,
                        allow_paid_broadcast=message.paid_broadcast or None,
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
                sent.append(str(result.message_id))
        return Delivery(Outcome.SENT, message_ids=tuple(sent))
