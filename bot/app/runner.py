"""What `prakerja-bot run` does: open the app, start every configured channel, serve HTTP,
run until SIGINT/SIGTERM, and close everything in reverse order."""

from __future__ import annotations

import asyncio
import gc
import getpass
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Protocol

from aiohttp import web

from bot.app.chat_log import chat_log_path, logs_to_file
from bot.app.console import build_console, console_routes, install_console
from bot.app.signals import stop_signals
from bot.app.web import build_web_app, serve
from bot.app.wiring import App, open_app
from bot.channels.terminal import TerminalChannel, TerminalSender
from bot.console.retention import purge
from bot.core import log_privacy
from bot.core.clock import Clock
from bot.core.config import Settings, StartupError
from bot.core.outbound import Sender
from bot.incentives.api import admin_routes
from bot.outbox.pacing import pacers_for
from bot.outbox.policy import limits_from_settings

log = logging.getLogger(__name__)


class TelegramServiceLike(Protocol):
    async def start(self) -> None: ...

    async def abort(self) -> None: ...


UPDATE_IDS_KEPT = timedelta(days=1)  # Telegram and Meta retry for far less than this


def tune_gc() -> None:
    """Fewer, cheaper garbage collections for a long-running server.

    Everything built at start moves to the permanent generation (never rescanned), and the
    young generation is collected every 50,000 allocations instead of 700: python-telegram-bot
    allocates many small objects per update. bench/telegram_inbound.py: bot CPU per update
    1.9 ms -> 1.6-1.7 ms.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def loop_factory(settings: Settings) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop for the server (a channel configured), asyncio's own loop for the terminal chat.

    bench/telegram_inbound.py: bot CPU per update 0.87-0.92 ms -> 0.74-0.81 ms on uvloop.
    """
    if not channels_configured(settings):
        return None
    try:
        import uvloop
    except ImportError:  # no uvloop on Windows
        return None
    return uvloop.new_event_loop


def channels_configured(settings: Settings) -> bool:
    """True when any platform channel is configured (else `run` is the terminal chat)."""
    return settings.telegram_bot_token is not None or settings.whatsapp_enabled


async def run_services(app: App, stopped: asyncio.Future[None] | None = None) -> None:
    """Starts the channels and the web server, waits for a stop signal, stops them in reverse."""
    if stopped is None:
        with stop_signals() as stop:
            await _run_services(app, stop.wait)
        return
    future = stopped
    await _run_services(app, lambda: future)


async def _run_services(app: App, stopped: Callable[[], Awaitable[object]]) -> None:
    settings = app.settings
    log_privacy.install()
    # One pace per channel for replies and the outbox alike (replies first; bot/outbox/pacing.py).
    pacers = pacers_for(limits_from_settings(settings))
    routes: list[web.AbstractRouteDef] = []
    async with AsyncExitStack() as stack:
        telegram = None
        if settings.telegram_bot_token is not None:
            from bot.channels.telegram.runtime import TelegramService, start_telegram

            telegram = TelegramService(app, pacer=pacers.get("telegram"))
            await start_telegram(telegram, settings.telegram_base_url)
            stack.push_async_callback(telegram.stop)
            routes += telegram.routes()
        whatsapp = None
        chores: list[Callable[[], Awaitable[object]]] = []
        if settings.whatsapp_enabled:
            from bot.channels.whatsapp import whatsapp_routes
            from bot.channels.whatsapp.runtime import build_whatsapp, housekeeping

            store = app.store
            whatsapp = build_whatsapp(settings, app.engine, store, app.clock, app.reader)
            whatsapp.sender.pacer = pacers.get("whatsapp")  # replies share the outbox's pace
            chores.append(lambda: housekeeping(store, app.clock))
            stack.push_async_callback(whatsapp.close)  # after the web server stops
            routes += whatsapp_routes(whatsapp)
        chores.append(lambda: app.store.prune_updates(app.clock.now() - UPDATE_IDS_KEPT))
        chores.append(app.store.squash_funnel)  # the console's funnel counts (migration 0013)
        chores.append(
            lambda: purge(
                app.store,
                app.clock,
                settings.retention_days,
                settings.program_ended_on,
            )
        )
        senders: dict[str, Sender] = {}
        if telegram is not None:
            senders[telegram.sender.channel] = telegram.sender
        if whatsapp is not None:
            senders[whatsapp.sender.channel] = whatsapp.sender
        # Reminders and other outbox rows: stopped first (LIFO), so in-flight sends finish
        # while the channels are still up.
        outbox = app.outbox(senders, chores, pacers)
        await outbox.start()
        stack.push_async_callback(outbox.stop)
        feed = app.store
        routes += admin_routes(feed, app.program, app.clock, settings.admin_api_token)
        host, port = settings.web_host_port
        console = build_console(app, host)  # the operator console, under /console/
        await stack.enter_async_context(console.running())
        routes += console_routes(console, app)
        try:
            web_app = install_console(build_web_app(routes), console, app)
            await stack.enter_async_context(serve(web_app, host, port))
        except OSError as exc:
            raise StartupError(
                f"WEB_LISTEN: cannot listen on {host}:{port}: {exc.strerror or exc}"
                " (is another process using the port?)"
            ) from None
        if telegram is not None:
            await telegram.go_live()
        log.info("running; stop with Ctrl+C or SIGTERM")
        await stopped()
        log.info("stopping")


async def run(settings: Settings, clock: Clock) -> None:
    """`prakerja-bot run`: every configured channel, or the terminal chat when there is none."""
    if not channels_configured(settings):
        await terminal_chat(settings, clock, getpass.getuser())
        return
    async with open_app(settings, clock) as app:
        tune_gc()
        await run_services(app)


async def terminal_chat(settings: Settings, clock: Clock, user: str) -> None:
    """The terminal chat as `user`, with reminders printed into it as they fall due. From the
    start to the end, log records go to a file, not between the messages (bot/app/chat_log.py)."""
    with logs_to_file(chat_log_path(settings.database_url)):
        async with open_app(settings, clock) as app:
            channel = TerminalChannel(app.engine, app.clock, user, shown=app.store)
            outbox = app.outbox({TerminalSender.channel: TerminalSender(channel)})
            await outbox.start()
            try:
                await channel.run()
            finally:
                await outbox.stop()
