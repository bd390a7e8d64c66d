"""Building the console from the bot's parts, and `prakerja-bot console`: the console alone
on the embedded database, no channel configured (to try it locally)."""

from __future__ import annotations

import logging
from datetime import timedelta

from aiohttp import web

from bot.app import App, open_app
from bot.clock import SystemClock
from bot.config import Settings
from bot.console.api import api_routes
from bot.console.app import Console
from bot.console.auth import is_loopback
from bot.sending_policy import limits_from_settings
from bot.storage.sqlite import SqliteStore
from bot.web import build_web_app, serve

log = logging.getLogger(__name__)


def build_console(app: App, host: str) -> Console:
    """The console for the app's store; cookies Secure unless served on a loopback address."""
    store = app.store
    assert isinstance(store, SqliteStore)
    settings = app.settings
    rates = {name: limit.rate for name, limit in limits_from_settings(settings).items()}
    return Console(
        store,
        app.program,
        app.clock,
        secure_cookies=not is_loopback(host),
        rates=rates,
        idle=timedelta(minutes=settings.console_idle_minutes),
        lifetime=timedelta(hours=settings.console_session_hours),
        reader_path=settings.sqlite_path
        if settings.database_url.startswith("sqlite:///")
        else None,
    )


def console_routes(console: Console, app: App) -> list[web.RouteDef]:
    """The console's pages and its JSON routes."""
    return [*console.routes(), *api_routes(console, app.settings.admin_api_token)]


async def serve_console(settings: Settings, host: str, port: int) -> None:
    """The console and its JSON routes on host:port until SIGINT/SIGTERM; broadcasts are
    enqueued (they wait in the outbox: no channel sends here)."""
    from bot.runner import wait_for_stop_signal

    async with open_app(settings, SystemClock()) as app:
        console = build_console(app, host)
        async with (
            console.running(),
            serve(build_web_app(console_routes(console, app)), host, port),
        ):
            print(f"console: http://{host}:{port}/console/ (Ctrl+C to stop)", flush=True)
            await wait_for_stop_signal()
