"""`prakerja-bot unknown`: the messages the bot did not understand (redacted), newest first,
to label them and teach the bot (`--label ID INTENT`, then `--export` as example lines)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import click

from bot.core.cli_clock import now_option, parse_now
from bot.core.clock import Clock
from bot.core.config import ConfigError, load_settings
from bot.core.program import parse_duration
from bot.nlu import INTENTS
from bot.storage.base import UnknownMessage
from bot.storage.sqlite import SqliteStore


def _line(message: UnknownMessage) -> str:
    guesses = ", ".join(f"{name} {score:.2f}" for name, score in message.guesses) or "-"
    label = message.label or "-"
    when = message.created_at.isoformat(timespec="minutes")
    text = " ".join(message.text.split())
    return f"{message.id}\t{when}\t{message.step}\t{label}\t{guesses}\t{text}"


async def _run(
    path: str, limit: int, since: datetime | None, export: bool, label: tuple[int, str] | None
) -> list[str]:
    store = await SqliteStore.open(path)
    try:
        if label is not None:
            if not await store.label_unknown(*label):
                raise click.ClickException(f"no kept message with id {label[0]}")
            return [f"message {label[0]} labelled {label[1]}"]
        if export:
            return [
                f"{m.label}\t{' '.join(m.text.split())}" for m in await store.labelled_unknown()
            ]
        found = await store.list_unknown(limit, since)
    finally:
        await store.close()
    if not found:
        return ["(no messages kept)"]
    return ["id\tcreated (UTC)\tstep\tlabel\tguesses\ttext", *(_line(m) for m in found)]


def _since(value: str | None, clock: Clock) -> datetime | None:
    """A moment, or a duration (7d, 24h) counted back from the clock's now."""
    if value is None:
        return None
    try:
        return clock.now() - parse_duration(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO-8601 moment or a duration: {value!r}") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a zone, e.g. 2021-11-20T00:00+07:00")
    return moment


@click.command("unknown")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option(
    "--since",
    help="Only messages from this moment on (ISO-8601 with a zone), or from this long before "
    "now (7d, 24h).",
)
@now_option
@click.option(
    "--export", is_flag=True, help="Print the labelled ones as `intent<TAB>text` example lines."
)
@click.option(
    "--label",
    nargs=2,
    type=(int, click.Choice([n for n in INTENTS])),
    help="Label a kept message: ID INTENT.",
)
def unknown_command(
    limit: int,
    since: str | None,
    now: str | None,
    export: bool,
    label: tuple[int, str] | None,
) -> None:
    """Messages the bot did not understand (redacted), newest first, with its guesses. With
    --now, `--since 7d` counts back from that moment (a chat on a 2021 clock keeps 2021 times)."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    clock = parse_now(now, settings.prakerja_timezone)
    lines = asyncio.run(
        _run(settings.sqlite_path, limit, _since(since, clock), export, label or None)
    )
    for line in lines:
        click.echo(line)
