"""`prakerja-bot import-status FILE.csv`: the operator's status feed from a spreadsheet."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
from pathlib import Path

import click
from tqdm import tqdm

from bot.core.cli_clock import now_option, parse_now
from bot.core.clock import Clock
from bot.core.config import ConfigError, load_settings
from bot.core.i18n import LOCALES, N_, Translator
from bot.core.program import Program, ProgramError, load_program
from bot.incentives.feed import (
    COLUMNS,
    REQUIRED,
    Message,
    RowError,
    StatusUpdate,
    Summary,
    apply_update,
    conflicting,
    line_of,
    localized,
    parse_update,
)
from bot.storage import open_store
from bot.storage.base import StoreUnavailable
from bot.storage.retry import retry_busy
from bot.storage.roles import FeedStore

# Files shorter than this get no progress bar.
PROGRESS_FROM = 200
YIELD_EVERY = 50  # rows between pauses
YIELD_SECONDS = 0.02
_EXTRA = "_extra"


class FileError(Exception):
    """The file as a whole cannot be read as the status CSV (one line for the operator)."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.message = Message(msgid, **params)
        super().__init__(str(self.message))

    def named(self, path: str) -> FileError:
        """The same error naming the file as `path` (e.g. without a temporary folder)."""
        return FileError(self.message.msgid, **{**self.message.params, "path": path})


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; FileError if the file is unusable."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise FileError(
            N_("{path}: cannot read: {problem}"), path=str(path), problem=exc.strerror or exc
        ) from None
    except UnicodeDecodeError:
        raise FileError(
            N_("{path}: not UTF-8 text (save the sheet as CSV UTF-8)"), path=str(path)
        ) from None
    if "\x00" in text:
        raise FileError(N_("{path}: not a CSV file"), path=str(path))
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
            raise FileError(
                N_("{path}: missing columns: {need} (expected {columns})"),
                path=str(path),
                need=need,
                columns=", ".join(COLUMNS),
            )
        rows = []
        for row in reader:
            fields = {k: v for k, v in row.items() if k != _EXTRA and isinstance(v, str)}
            if row.get(_EXTRA):
                fields[_EXTRA] = "yes"
            rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise FileError(
            N_("{path}: not a CSV file (line {line}: {problem})"),
            path=str(path),
            line=reader.line_num,
            problem=str(exc),
        ) from None
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
    parsed: list[tuple[int, StatusUpdate]] = []
    for line, row in rows:  # the whole file is checked before anything is applied
        try:
            if _EXTRA in row:
                raise RowError(N_("more fields than columns"))
            parsed.append((line, parse_update(row, program)))
        except RowError as exc:
            summary.bad += 1
            summary.errors.append(_problem(line_of(line), exc.message))
    clashes = conflicting([(line_of(line), update) for line, update in parsed])
    for line, update in tqdm(
        parsed, desc="import-status", unit="row", file=sys.stderr, disable=not progress
    ):
        where = line_of(line)
        if where in clashes:
            summary.bad += 1
            summary.errors.append(_problem(where, clashes[where]))
            continue
        try:
            result = await retry_busy(
                lambda update=update: apply_update(store, program, update, clock.now()),  # type: ignore[misc]
                what="status import",
            )
            summary.count(result, where)
        except RowError as exc:
            summary.bad += 1
            summary.errors.append(_problem(where, exc.message))
        # Each row is its own short transaction; a pause now and then lets the bot's writes
        # (another process, waiting on SQLite's lock) in between, so chatting never fails.
        if line % YIELD_EVERY == 0:
            await asyncio.sleep(YIELD_SECONDS)
    summary.errors.sort(key=_line_number)
    return summary


def _problem(where: str, problem: str) -> Message:
    return Message(N_("{where}: {problem}"), where=where, problem=problem)


def operator_translator() -> Translator:
    """The language of the operator's terminal (LC_ALL, LC_MESSAGES, LANG: id_ID… is
    Indonesian); English otherwise."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value[:2].lower()
            return Translator(code if code in LOCALES else "en", "Asia/Jakarta")
    return Translator("en", "Asia/Jakarta")


def _line_number(error: str) -> int:
    number = error.removeprefix("line ").split(":", 1)[0]
    return int(number) if number.isdigit() else 0


async def _run(path: Path, clock: Clock) -> Summary:
    settings = load_settings()
    program = load_program(settings.prakerja_program_file)
    rows = read_rows(path)
    store = await open_store(settings.database_url)
    try:
        feed = store
        return await import_rows(feed, program, clock, rows, progress=len(rows) >= PROGRESS_FROM)
    finally:
        await store.close()


@click.command("import-status")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@now_option
def import_status(file: Path, now: str | None) -> None:
    """Apply incentive statuses from a CSV file (columns: phone or ref, item, status, date,
    reason, note, partner). Re-importing the same file changes and sends nothing. With --now,
    on the same clock as a `chat --now` (its updates fall due in that chat's time). Exits 1
    when rows are bad and none was applied (nor already up to date)."""
    try:
        clock = parse_now(now, load_settings().prakerja_timezone)
        summary = asyncio.run(_run(file, clock))
    except FileError as exc:
        raise click.ClickException(exc.message.text(operator_translator())) from None
    except (ConfigError, ProgramError, StoreUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    t = operator_translator()
    for error in summary.errors:
        click.echo(localized(error, t), err=True)
    click.echo(
        t._("applied {applied}, unchanged {unchanged}, unmatched {unmatched}, bad {bad}").format(
            applied=summary.applied,
            unchanged=summary.unchanged,
            unmatched=summary.unmatched,
            bad=summary.bad,
        )
    )
    if summary.bad and not (summary.applied or summary.unchanged):
        # nothing in the file took: a script (or a person) must not read this as a success
        raise click.ClickException(
            t.ngettext(
                "no row could be applied: {n} row is bad (see the lines above)",
                "no row could be applied: {n} rows are bad (see the lines above)",
                summary.bad,
            ).format(n=summary.bad)
        )
