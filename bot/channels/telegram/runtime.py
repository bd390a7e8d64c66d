"""Building python-telegram-bot's Application from settings, and starting/stopping it."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.channels.parts import Parts
from bot.channels.telegram.aiohttp_request import AiohttpRequest
from bot.channels.telegram.commands import register_commands
from bot.channels.telegram.inbound import ALLOWED_UPDATES, TelegramChannel
from bot.channels.telegram.light import LightUpdate
from bot.channels.telegram.ordering import OrderedUpdateProcessor
from bot.channels.telegram.polling import TolerantBot
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.webhook import WebhookAnswers, webhook_path, webhook_routes
from bot.core.cluster import Leadership, LeaderStore
from bot.core.config import StartupError
from bot.outbox.pacing import Pacer

log = logging.getLogger(__name__)

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]
WEBHOOK_CONNECTIONS = 100  # Telegram's maximum (its default is 40)


def build_application(
    token: str,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    polling: bool = True,
    request: BaseRequest | None = None,
    answers: WebhookAnswers | None = None,
) -> TelegramApplication:
    """The Application: concurrent across users, in order per user; no Updater for webhooks
    (our own aiohttp server receives them; with `answers`, each handled update closes its
    webhook call)."""

    def finished(update: object) -> None:
        if answers is not None and isinstance(update, Update | LightUpdate):
            answers.close(update.update_id)

    processor = OrderedUpdateProcessor(finished=finished if answers is not None else None)
    if answers is not None:
        answers.queued = processor.queued_behind
    # Our aiohttp transport unless a test passes its own; getUpdates gets its own pool so a
    # long poll never waits behind replies. The bot skips updates it cannot parse (polling).
    bot = TolerantBot(
        token,
        base_url=base_url or "https://api.telegram.org/bot",
        base_file_url=base_file_url or "https://api.telegram.org/file/bot",
        request=request or AiohttpRequest(),
        get_updates_request=request or AiohttpRequest(pool_size=1, read_timeout=None),
    )
    builder = ApplicationBuilder().bot(bot).concurrent_updates(processor)
    if not polling:
        builder = builder.updater(None)
    return builder.build()


class TelegramService:
    """The Telegram channel inside `prakerja-bot run`: start, (web routes), go live, stop."""

    def __init__(
        self, app: Parts, request: BaseRequest | None = None, pacer: Pacer | None = None
    ) -> None:
        settings = app.settings
        assert settings.telegram_bot_token is not None
        self.webhook_url = settings.telegram_webhook_url
        self.secret = (
            settings.telegram_webhook_secret.get_secret_value()
            if settings.telegram_webhook_secret
            else None
        )
        # Webhook mode answers each webhook call with the reply's last message.
        self.answers = WebhookAnswers() if self.webhook_url is not None else None
        self.application = build_application(
            settings.telegram_bot_token.get_secret_value(),
            base_url=settings.telegram_base_url,
            base_file_url=settings.telegram_base_file_url,
            polling=self.webhook_url is None,
            request=request,
            answers=self.answers,
        )
        self.sender = TelegramSender(self.application.bot, pacer=pacer)
        self.channel = TelegramChannel(
            app.engine,
            app.store,
            app.clock,
            self.sender,
            default_locale=settings.prakerja_locale,
            answers=self.answers,
            reader=app.reader,
        )
        self.channel.install(self.application)
        # Long polling allows one poller per token: with several instances on one database,
        # only the one holding this leadership polls (the others serve the rest).
        self.poller: Leadership | None = None
        self._store: LeaderStore = app.store

    def routes(self) -> list[web.RouteDef]:
        """The webhook route for the shared web server (none when polling)."""
        if self.webhook_url is None or self.secret is None:
            return []
        return webhook_routes(
            self.application, self.secret, webhook_path(self.webhook_url), self.answers
        )

    async def start(self) -> None:
        """Initialises the bot (getMe), registers the command menu, starts processing."""
        await self.application.initialize()
        await register_commands(self.application.bot)
        await self.application.start()
        log.info("telegram bot @%s started", self.application.bot.username)

    async def abort(self) -> None:
        """After a failed start: closes the HTTP clients the Bot API calls opened."""
        for request in self.application.bot._request:  # (getUpdates, everything else)
            await request.shutdown()

    async def go_live(self) -> None:
        """Starts receiving: the webhook (once our server listens) or long polling."""
        if self.webhook_url is not None:
            await self.application.bot.set_webhook(
                self.webhook_url,
                secret_token=self.secret,
                allowed_updates=ALLOWED_UPDATES,
                # Calls now stay open while their update is handled: allow Telegram's maximum.
                max_connections=WEBHOOK_CONNECTIONS,
            )
            log.info("telegram webhook registered")
        else:
            self.poller = Leadership(
                self._store,
                f"telegram-poll:{self.application.bot.id}",
                on_gain=self._start_polling,
                on_loss=self._stop_polling,
            )
            await self.poller.start()
            if not self.poller.held:
                log.info("telegram: another instance is polling; this one takes over if it stops")

    async def _start_polling(self) -> None:
        assert self.application.updater is not None
        await self.application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        log.info("telegram long polling started")

    async def _stop_polling(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()

    async def stop(self) -> None:
        """Stops receiving, lets queued updates finish, releases the HTTP clients."""
        if self.poller is not None:
            await self.poller.stop()
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        log.info("telegram stopped")


class Startable(Protocol):
    async def start(self) -> None: ...

    async def abort(self) -> None: ...


async def start_telegram(telegram: Startable, base_url: str | None) -> None:
    """Starts the Telegram channel; an unreachable Bot API or a refused token is one line."""
    try:
        try:
            await telegram.start()
        except BaseException:
            await telegram.abort()
            raise
    except InvalidToken:
        raise StartupError("TELEGRAM_BOT_TOKEN: Telegram refused the token") from None
    except TelegramError as exc:
        where = base_url or "https://api.telegram.org"
        raise StartupError(
            f"Telegram Bot API at {where} is unreachable ({type(exc).__name__})"
        ) from None
