"""`prakerja-bot import-status FILE.csv`: the operator's status feed from a spreadsheet."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from pathlib import Path
from typing import cast

import click
from tqdm import tqdm

from bot.core.clock import Clock, SystemClock
from bot.core.config import ConfigError, load_settings
from bot.core.program import Program, ProgramError, load_program
from bot.incentives.feed import (
    COLUMNS,
    REQUIRED,
    FeedStore,
    RowError,
    Summary,
    apply_update,
    parse_update,
)
from bot.storage import open_store

# Files shorter than this get no progress bar.
PROGRESS_FROM = 200
_EXTRA = "_extra"


class FileError(Exception):
    """The file as a whole cannot be read as the status CSV (one line for the operator)."""


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; FileError if the file is unusable."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise FileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FileError(f"{path}: not UTF-8 text (save the sheet as CSV UTF-8)") from None
    if "\x00" in text:
        raise FileError(f"{path}: not a CSV file")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # spreadsheets in Indonesia often save with ";"
    reader = csv.DictReader(
        io.StringIO(text, newline=""), delimiter=delimiter, restkey=_EXTRA, strict=True
    )
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
        reader.fieldnames = header
        missing = [c for c in REQUIRED if c not in header]
        if not header or missing or not ({"phone", "ref"} & set(header)):
            need = ", ".join(
                [*missing, *([] if {"phone", "ref"} & set(header) else ["phone or ref"])]
            )
            raise FileError(f"{path}: missing columns: {need} (expected {', '.join(COLUMNS)})")
        rows = []
        for row in reader:
            fields = {k: v for k, v in row.items() if k != _EXTRA and isinstance(v, str)}
            if row.get(_EXTRA):
                fields[_EXTRA] = "yes"
            rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise FileError(f"{path}: not a CSV file (line {reader.line_num}: {exc})") from None
    return rows


async def import_rows(
    store: FeedStore,
    program: Program,
    clock: Clock,
    rows: list[tuple[int, dict[str, str]]],
    *,
    progress: bool = False,
) -> Summary:
    """Applies every good row (each atomically) and counts the rest; bad rows keep their line."""
    summary = Summary()
    for line, row in tqdm(
        rows, desc="import-status", unit="row", file=sys.stderr, disable=not progress
    ):
        try:
            if _EXTRA in row:
                raise RowError("more fields than columns")
            update = parse_update(row, program)
            summary.count(await apply_update(store, program, update, clock.now()), f"line {line}")
        except RowError as exc:
            summary.bad += 1
            summary.errors.append(f"line {line}: {exc}")
    return summary


async def _run(path: Path, clock: Clock) -> Summary:
    settings = load_settings()
    program = load_program(settings.prakerja_program_file)
    rows = read_rows(path)
    store = await open_store(settings.database_url)
    try:
        feed = cast(FeedStore, store)
        return await import_rows(feed, program, clock, rows, progress=len(rows) >= PROGRESS_FROM)
    finally:
        await store.close()


@click.command("import-status")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def import_status(file: Path) -> None:
    """Apply incentive statuses from a CSV file (columns: phone or ref, item, status, date,
    reason, note, partner). Re-importing the same file changes and sends nothing."""
    try:
        summary = asyncio.run(_run(file, SystemClock()))
    except (FileError, ConfigError, ProgramError) as exc:
        raise click.ClickException(str(exc)) from None
    for error in summary.errors:
        click.echo(error, err=True)
    click.echo(
        f"applied {summary.applied}, unchanged {summary.unchanged}, "
        f"unmatched {summary.unmatched}, bad {summary.bad}"
    )
