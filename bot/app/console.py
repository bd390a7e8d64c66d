"""Building the console from the bot's parts, and `prakerja-bot console`: the console alone
on the embedded database, no channel configured (to try it locally)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import click
from aiohttp import web

from bot.app.signals import wait_for_stop_signal
from bot.app.web import build_web_app, serve
from bot.app.wiring import App, open_app
from bot.console import site
from bot.console.api import api_routes, mount_api
from bot.console.app import Console, mount
from bot.console.overview import keep_funnel_fresh
from bot.core.cli_clock import now_option, parse_now
from bot.core.clock import Clock
from bot.core.config import ConfigError, Settings, load_settings
from bot.core.program import ProgramError
from bot.outbox.policy import limits_from_settings

log = logging.getLogger(__name__)


def build_console(app: App, host: str) -> Console:
    """The console for the app's store; cookies Secure unless CONSOLE_SECURE_COOKIE=false
    (whatever the listen address: behind the documented nginx it is a loopback one)."""
    store = app.store
    settings = app.settings
    rates = {name: limit.rate for name, limit in limits_from_settings(settings).items()}
    return Console(
        store,
        app.program,
        app.clock,
        secure_cookies=settings.console_secure_cookie,
        rates=rates,
        idle=timedelta(minutes=settings.console_idle_minutes),
        lifetime=timedelta(hours=settings.console_session_hours),
        reader_path=settings.sqlite_path
        if settings.database_url.startswith("sqlite:///")
        else None,
        proxies=[p.strip() for p in settings.console_trusted_proxies.split(",") if p.strip()],
        settings={
            "waiting_alert_minutes": settings.console_waiting_alert_minutes,
            "agent_cap": settings.console_agent_cap,
            "retention_days": settings.retention_days,
            "whatsapp_tier": settings.whatsapp_tier,
            "program_ended_on": settings.program_ended_on,
        },
        refresher=keep_funnel_fresh,
    )


def console_routes(console: Console, app: App) -> list[web.AbstractRouteDef]:
    """The console's pages and its JSON routes."""
    return [*site.routes(), *api_routes(app.settings.admin_api_token)]


def install_console(web_app: web.Application, console: Console, app: App) -> web.Application:
    """Puts the console (and the API token) where the console's handlers read them."""
    mount(web_app, console)
    mount_api(web_app, app.settings.admin_api_token)
    return web_app


@asynccontextmanager
async def console_site(
    settings: Settings, clock: Clock, host: str
) -> AsyncIterator[web.Application]:
    """The console's web application on the bot's parts, all on `clock` (the one clock: its
    pages count back from it, sessions expire on it, broadcasts are due on it)."""
    async with open_app(settings, clock) as app:
        console = build_console(app, host)
        async with console.running():
            yield install_console(build_web_app(console_routes(console, app)), console, app)


async def serve_console(settings: Settings, clock: Clock, host: str, port: int) -> None:
    """The console and its JSON routes on host:port until SIGINT/SIGTERM; broadcasts are
    enqueued (they wait in the outbox: no channel sends here)."""
    async with console_site(settings, clock, host) as web_app, serve(web_app, host, port):
        print(f"console: http://{host}:{port}/console/ (Ctrl+C to stop)", flush=True)
        await wait_for_stop_signal()


@click.command("console")
@click.option(
    "--listen",
    default="127.0.0.1:8080",
    show_default=True,
    metavar="HOST:PORT",
    help="Where to serve the console (cookies are Secure unless CONSOLE_SECURE_COOKIE=false).",
)
@now_option
def console_command(listen: str, now: str | None) -> None:
    """Serve the operator console alone (no channel), at http://HOST:PORT/console/. With
    --now, its pages count back from that moment (a chat on a 2021 clock keeps 2021 times)."""
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("use HOST:PORT, e.g. 127.0.0.1:8080", param_hint="--listen")
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    clock = parse_now(now, settings.prakerja_timezone)
    try:
        asyncio.run(serve_console(settings, clock, host.strip("[]"), int(port)))
    except (ConfigError, ProgramError) as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        pass
