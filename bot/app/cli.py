"""The `prakerja-bot` command: run the bot, chat in the terminal, and operator tools."""

from __future__ import annotations

import asyncio
import getpass
import logging
import os
import sys

import click

from bot.app import runner
from bot.app.runner import channels_configured
from bot.core import log_privacy
from bot.core.cli_clock import now_option, parse_now
from bot.core.clock import Clock
from bot.core.config import ConfigError, Settings, StartupError, load_settings
from bot.core.program import ProgramError
from bot.incentives.csv_import import import_status
from bot.knowledge import KnowledgeBaseError
from bot.knowledge.cli import classify
from bot.knowledge.unknown_cli import unknown_command
from bot.nlu import KnowledgeError
from bot.outbox.cli import outbox_command
from bot.storage.base import StoreUnavailable
from bot.storage.cli import db_group

log = logging.getLogger("bot")


def _parse_now(value: str | None, settings: Settings) -> Clock:
    return parse_now(value, settings.prakerja_timezone)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _setup_logging(default: str) -> None:
    level = os.environ.get("LOG_LEVEL", default).upper()
    if level not in logging.getLevelNamesMapping():
        raise click.ClickException(
            f"LOG_LEVEL: unknown level {level!r} (use DEBUG, INFO, WARNING, ERROR or CRITICAL)"
        )
    log_privacy.install()  # libraries' records never carry message text (bot/core/log_privacy.py)
    logging.basicConfig(
        level=logging.getLevelNamesMapping()[level],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # APScheduler logs every 5-second delivery run at INFO; keep its warnings only.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.root.level))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Assistant for Kartu Prakerja participants (Telegram, WhatsApp, terminal)."""


async def _chat(settings: Settings, clock: Clock, user: str) -> None:
    try:
        await runner.terminal_chat(settings, clock, user)
    except (ProgramError, KnowledgeError, KnowledgeBaseError, StoreUnavailable) as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@now_option
def run(now: str | None) -> None:
    """Start every configured channel; with none configured, the terminal chat."""
    settings = _settings()
    clock = _parse_now(now, settings)
    _setup_logging("INFO" if channels_configured(settings) else "WARNING")
    try:
        with asyncio.Runner(loop_factory=runner.loop_factory(settings)) as event_loop:
            event_loop.run(runner.run(settings, clock))
    except (ProgramError, StartupError, KnowledgeBaseError, StoreUnavailable) as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option("--user", default=None, help="Chat as this participant (default: your login).")
@now_option
def chat(user: str | None, now: str | None) -> None:
    """Chat with the bot in the terminal (a paste is one message; one message per line when
    piped). Ctrl+D ends it."""
    settings = _settings()
    clock = _parse_now(now, settings)
    _setup_logging("WARNING")
    try:
        asyncio.run(_chat(settings, clock, user or getpass.getuser()))
    except KeyboardInterrupt:  # Ctrl+C ends the chat like Ctrl+D, without a traceback
        click.echo()


main.add_command(import_status)
main.add_command(classify)
main.add_command(outbox_command)
main.add_command(unknown_command)
main.add_command(db_group)


def _console_commands() -> None:
    from bot.app.console import console_command
    from bot.console.cli import operator_command

    main.add_command(operator_command)
    main.add_command(console_command)


_console_commands()
