"""Incentive-status imports (admins): upload the CSV, see the dry run (applied, unchanged,
unmatched, bad with line and reason), then apply it — bot/incentives/csv_import.py and
bot/incentives/feed.py do the work."""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from aiohttp import web
from babel.numbers import format_decimal

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.render import translator
from bot.core.benefits import Item, Push, Source
from bot.incentives.csv_import import FileError, import_rows, read_rows
from bot.incentives.feed import Summary, localized
from bot.storage.roles import FeedStore

ROUTES = web.RouteTableDef()
MAX_FILE = 1024 * 1024  # the documented limit (docs/console.md: up to 1 MB)
SHOWN_ERRORS = 100  # error lines listed on the page; the counts stay exact
KEEP_FOR = timedelta(minutes=30)  # a dry run can be applied this long, on any instance
Rows = list[tuple[int, dict[str, str]]]


class DryRun:
    """The store as the feed sees it, with changes kept in memory only (so a dry run counts
    exactly what applying would, a row changed twice included)."""

    def __init__(self, store: FeedStore) -> None:
        self._store = store
        self._changed: dict[tuple[int, str], Item] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def benefit_items(self, participant_id: int, specs: Sequence[Item]) -> list[Item]:
        items = await self._store.benefit_items(participant_id, specs)
        return [self._changed.get((participant_id, i.key), i) for i in items]

    async def change_benefit_item(
        self,
        participant_id: int,
        item: Item,
        source: Source,
        now: datetime,
        pushes: Sequence[Push] = (),
        *,
        expect: Item | None = None,
    ) -> bool:
        self._changed[(participant_id, item.key)] = replace(item)
        return True


def shown_name(name: str | None) -> str:
    """The upload's name as messages show it: its last part, at most 80 characters (never
    used as a path: "..", "/" or a 300-byte name change nothing)."""
    last = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if last in ("", ".", ".."):
        return "upload.csv"
    return last if len(last) <= 80 else last[:77] + "…"


def _read(data: bytes, name: str | None) -> Rows:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(data)
        try:
            return read_rows(path)
        except FileError as exc:
            raise exc.named(shown_name(name)) from None


def refused(console: Console, request: web.Request, session: Session, error: str) -> web.Response:
    return console.page(request, session, "import.html", 400, summary=None, token="", error=error)


def too_large(console: Console, request: web.Request, session: Session, size: int) -> web.Response:
    t = translator(request)
    return refused(
        console,
        request,
        session,
        t._(
            "The file is {size}, more than the limit of 1 MB: split it into smaller files "
            "and check each one."
        ).format(size=t._("{n} MB").format(n=format_decimal(size / MAX_FILE, "0.##", t.locale))),
    )


async def oversized(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """A body over the limit (refused unread, before its CSRF token is looked at)."""
    await request.release()
    return too_large(console, request, session, max(request.content_length or 0, MAX_FILE + 1))


@ROUTES.get(PREFIX + "/imports")
@page(admin=True)
async def form(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; the upload form."""
    return console.page(request, session, "import.html", summary=None, token="", error="")


@ROUTES.post(PREFIX + "/imports/dry-run")
# a form adds a few hundred bytes around the file
@page(admin=True, too_large=(MAX_FILE + 64 * 1024, oversized))
async def dry_run(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the file's rows in the database (so "Apply" works on any instance) and the
    dry run in the audit log; shows what applying would do."""
    length = request.content_length or 0
    posted = await request.post()
    upload = posted.get("file")
    if not isinstance(upload, web.FileField):
        return refused(console, request, session, "")
    data = upload.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        return too_large(console, request, session, max(length, len(data)))
    try:
        rows = await asyncio.to_thread(_read, data, upload.filename)
    except FileError as exc:
        return refused(console, request, session, exc.message.text(translator(request)))
    feed = console.store
    summary: Summary = await import_rows(
        cast(FeedStore, DryRun(feed)), console.program, console.clock, rows
    )
    await console.audit(session, "import_dry_run", {"rows": len(rows), **_counts(summary)})
    token = secrets.token_urlsafe(16)
    now = console.clock.now()
    await console.store.keep_import(token, session.operator.name, rows, now, now - KEEP_FOR)
    return console.page(
        request,
        session,
        "import.html",
        summary=summary,
        token=token,
        applied=False,
        error="",
        shown=SHOWN_ERRORS,
        errors=[localized(e, translator(request)) for e in summary.errors],
    )


@ROUTES.post(PREFIX + "/imports/apply")
@page(admin=True)
async def apply(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Applies the kept dry run's rows once (each atomically) and audits it."""
    posted = await request.post()
    token = str(posted.get("token", ""))[:64]
    now = console.clock.now()
    rows = await console.store.take_import(token, session.operator.name, now - KEEP_FOR)
    if rows is None:
        return console.refuse(request, session, 404)
    feed = console.store
    summary = await import_rows(feed, console.program, console.clock, rows)
    await console.audit(session, "import_apply", {"rows": len(rows), **_counts(summary)})
    return console.page(
        request,
        session,
        "import.html",
        summary=summary,
        token="",
        applied=True,
        error="",
        shown=SHOWN_ERRORS,
        errors=[localized(e, translator(request)) for e in summary.errors],
    )


def _counts(summary: Summary) -> dict[str, int]:
    return {
        "applied": summary.applied,
        "unchanged": summary.unchanged,
        "unmatched": summary.unmatched,
        "bad": summary.bad,
    }
