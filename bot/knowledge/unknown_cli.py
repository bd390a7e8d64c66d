"""`prakerja-bot unknown`: the messages the bot did not understand (redacted), newest first,
with its guesses; `--attach ID ENTRY` makes one an example of a knowledge-base entry (as the
console's not-understood page does, audited), `--export` prints the attached examples as
`entry id<TAB>text` lines for the data files (bot/data/kb/<locale>/)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import click

from bot import knowledge
from bot.core.cli_clock import now_option, parse_now
from bot.core.clock import Clock
from bot.core.config import ConfigError, load_settings
from bot.core.program import load_program, parse_duration
from bot.core.safety import keepable
from bot.knowledge.entries import LOCALES
from bot.nlu.cues import cues
from bot.storage import open_store
from bot.storage.base import UnknownMessage
from bot.storage.learning import TaughtExample
from bot.storage.roles import ConsoleStore


def _line(message: UnknownMessage) -> str:
    guesses = ", ".join(f"{name} {score:.2f}" for name, score in message.guesses) or "-"
    label = message.label or "-"
    when = message.created_at.isoformat(timespec="minutes")
    text = " ".join(message.text.split())
    return f"{message.id}\t{when}\t{message.step}\t{label}\t{guesses}\t{text}"


def export_lines(examples: list[TaughtExample], locale: str) -> list[str]:
    """`entry id<TAB>text` for each of the locale's attached examples, by entry."""
    chosen = sorted((e for e in examples if e.locale == locale), key=lambda e: (e.entry_id, e.id))
    return [f"{e.entry_id}\t{' '.join(e.text.split())}" for e in chosen]


async def _attach(store: ConsoleStore, message_id: int, entry_id: str, clock: Clock) -> str:
    message = await store.unknown_by_id(message_id)
    if message is None:
        raise click.ClickException(f"no kept message with id {message_id}")
    found = cues().language_of(message.text)
    locale = found if found in LOCALES else "id"
    settings = load_settings()
    if knowledge.bases(load_program(settings.prakerja_program_file))[locale].get(entry_id) is None:
        raise click.ClickException(f"no knowledge-base entry {entry_id!r} in locale {locale}")
    text = " ".join(keepable(message.text).split())
    example = await store.attach_example(locale, entry_id, text, "cli", clock.now(), message_id)
    await store.audit(
        "cli",
        "kb_attach",
        clock.now(),
        {"message": message_id, "entry": entry_id, "example": example},
        message.participant_id,
    )
    return f"message {message_id} attached to {entry_id} ({locale}); reload the models to use it"


async def _run(
    url: str,
    limit: int,
    since: datetime | None,
    export: str | None,
    attach: tuple[int, str] | None,
    clock: Clock,
) -> list[str]:
    store = await open_store(url)
    try:
        if attach is not None:
            return [await _attach(store, *attach, clock)]
        if export is not None:
            return export_lines(await store.taught_examples(), export)
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
        raise click.BadParameter(
            f"{value!r} is neither a duration (7d, 24h) nor an ISO-8601 moment with a zone "
            "(2021-11-20T00:00+07:00)",
            param_hint="'--since'",
        ) from None
    if moment.tzinfo is None:
        raise click.BadParameter(
            "give a zone, e.g. 2021-11-20T00:00+07:00", param_hint="'--since'"
        )
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
    "--export",
    is_flag=True,
    help="Print the examples attached to entries as `entry id<TAB>text` lines.",
)
@click.option(
    "--locale",
    type=click.Choice(list(LOCALES)),
    default="id",
    show_default=True,
    help="With --export: the examples of this language (the folder bot/data/kb/<locale>/).",
)
@click.option(
    "--attach",
    nargs=2,
    type=(int, str),
    metavar="ID ENTRY",
    help="Attach a kept message (redacted) to a knowledge-base entry as an example.",
)
def unknown_command(
    limit: int,
    since: str | None,
    now: str | None,
    export: bool,
    locale: str,
    attach: tuple[int, str] | None,
) -> None:
    """Messages the bot did not understand (redacted), newest first, with its guesses. With
    --now, `--since 7d` counts back from that moment (a chat on a 2021 clock keeps 2021 times).
    Attached examples are learned after a reload (the console's "Reload the models")."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    clock = parse_now(now, settings.prakerja_timezone)
    lines = asyncio.run(
        _run(
            settings.database_url,
            limit,
            _since(since, clock),
            locale if export else None,
            attach or None,
            clock,
        )
    )
    for line in lines:
        click.echo(line)
