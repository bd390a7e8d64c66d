"""Incentive-status imports (admins): upload the CSV, see the dry run (applied, unchanged,
unmatched, bad with line and reason), then apply it — bot/import_status.py does the work."""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from aiohttp import web
from babel.numbers import format_decimal

from bot.console.auth import Session
from bot.console.render import translator
from bot.core.benefits import Item, Push, Source
from bot.incentives.csv_import import FileError, import_rows, read_rows
from bot.incentives.feed import FeedStore, Summary, localized

if TYPE_CHECKING:
    from bot.console.app import Console

MAX_FILE = 1024 * 1024  # the documented limit (docs/console.md: up to 1 MB)
SHOWN_ERRORS = 100  # error lines listed on the page; the counts stay exact
KEEP_SECONDS = 30 * 60
KEEP_AT_MOST = 20
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


def _read(data: bytes, name: str) -> Rows:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(name).name or "upload.csv")
        path.write_bytes(data)
        try:
            return read_rows(path)
        except FileError as exc:
            raise exc.named(path.name) from None


def routes(console: Console) -> list[web.RouteDef]:
    feed = cast(FeedStore, console.store)
    kept = console.imports

    def keep(operator: str, rows: Rows) -> str:
        now = time.monotonic()
        for token, (_, (_, at)) in list(kept.items()):
            if now - at > KEEP_SECONDS or len(kept) >= KEEP_AT_MOST:
                kept.pop(token, None)
        token = secrets.token_urlsafe(16)
        kept[token] = (operator, (rows, now))
        return token

    async def form(request: web.Request, session: Session) -> web.StreamResponse:
        return console.page(request, session, "import.html", summary=None, token="", error="")

    def refused(request: web.Request, session: Session, error: str) -> web.Response:
        return console.page(
            request, session, "import.html", 400, summary=None, token="", error=error
        )

    def too_large(request: web.Request, session: Session, size: int) -> web.Response:
        t = translator(request)
        return refused(
            request,
            session,
            t._(
                "The file is {size}, more than the limit of 1 MB: split it into smaller files "
                "and check each one."
            ).format(
                size=t._("{n} MB").format(n=format_decimal(size / MAX_FILE, "0.##", t.locale))
            ),
        )

    async def oversized(request: web.Request, session: Session) -> web.StreamResponse:
        """A body over the limit (refused unread, before its CSRF token is looked at)."""
        await request.release()
        return too_large(request, session, max(request.content_length or 0, MAX_FILE + 1))

    async def dry_run(request: web.Request, session: Session) -> web.StreamResponse:
        length = request.content_length or 0
        posted = await request.post()
        upload = posted.get("file")
        if not isinstance(upload, web.FileField):
            return refused(request, session, "")
        data = upload.file.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            return too_large(request, session, max(length, len(data)))
        try:
            rows = await asyncio.to_thread(_read, data, upload.filename)
        except FileError as exc:
            return refused(request, session, exc.message.text(translator(request)))
        summary: Summary = await import_rows(
            cast(FeedStore, DryRun(feed)), console.program, console.clock, rows
        )
        await console.audit(session, "import_dry_run", {"rows": len(rows), **_counts(summary)})
        token = keep(session.operator.name, rows)
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

    async def apply(request: web.Request, session: Session) -> web.StreamResponse:
        posted = await request.post()
        token = str(posted.get("token", ""))
        found = kept.pop(token, None)
        if found is None or found[0] != session.operator.name:
            return console.refuse(request, session, 404)
        rows = found[1][0]
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

    admin: dict[str, Any] = {"admin": True}
    return [
        web.get("/console/imports", console.guard(form, **admin)),
        web.post(
            "/console/imports/dry-run",
            # a form adds a few hundred bytes around the file
            console.guard(dry_run, admin=True, too_large=(MAX_FILE + 64 * 1024, oversized)),
        ),
        web.post("/console/imports/apply", console.guard(apply, **admin)),
    ]


def _counts(summary: Summary) -> dict[str, int]:
    return {
        "applied": summary.applied,
        "unchanged": summary.unchanged,
        "unmatched": summary.unmatched,
        "bad": summary.bad,
    }
