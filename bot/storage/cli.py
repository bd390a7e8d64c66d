"""`prakerja-bot db`: bring the database to the newest schema, or copy it to another database
(SQLite to PostgreSQL when moving to several instances, and back)."""

from __future__ import annotations

import asyncio
from typing import Never

import click
from tqdm import tqdm

from bot.core.config import ConfigError, load_settings
from bot.core.database_url import parse_database_url
from bot.storage.base import StoreUnavailable
from bot.storage.copy import CopyError, copy_database, upgrade


def _url(value: str, name: str) -> str:
    """One line naming the argument (not click's usage block) when a URL is malformed."""
    try:
        parse_database_url(value, name)
    except ValueError as exc:
        reason = str(exc)
        raise click.ClickException(reason if name in reason else f"{name}: {reason}") from None
    return value


@click.group("db")
def db_group() -> None:
    """The database: schema upgrades and copies between SQLite and PostgreSQL."""


@db_group.command("upgrade")
def upgrade_command() -> None:
    """Apply every migration the database (DATABASE_URL) lacks; `run` does it at start too."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        asyncio.run(upgrade(settings.database_url))
    except StoreUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{parse_database_url(settings.database_url).safe}: schema up to date")


@db_group.command("copy")
@click.argument("source_url")
@click.argument("target_url")
@click.option(
    "--resume",
    is_flag=True,
    help="Go on with an interrupted copy (rows already in the target are skipped).",
)
@click.option(
    "--batch",
    default=5000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Rows per transaction.",
)
def copy_command(source_url: str, target_url: str, resume: bool, batch: int) -> None:
    """Copy every table from SOURCE_URL to TARGET_URL (sqlite:///PATH or
    postgresql://USER[:PASSWORD]@HOST[:PORT]/DB), then check the row counts. Stop the bot
    first. The target must be empty unless --resume."""
    _url(source_url, "SOURCE_URL")
    _url(target_url, "TARGET_URL")
    # The bar appears with the first copied batch: copy_database checks both ends (reachable,
    # same tables, target empty) before that, so a refusal is its one error line alone.
    bars: list[tqdm[Never]] = []

    def progress(done: int, total: int, table: str) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit="rows", unit_scale=True, desc="copying"))
        bar = bars[0]
        bar.total = total
        bar.set_postfix_str(table, refresh=False)
        bar.update(done - bar.n)

    try:
        report = copy_database(
            source_url, target_url, resume=resume, batch=batch, progress=progress
        )
    except (CopyError, StoreUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        for bar in bars:
            bar.close()
    for table, count in report.tables.items():
        click.echo(f"{table:<24} {count:>10} rows")
    click.echo(f"copied and verified: {sum(report.tables.values())} rows")
