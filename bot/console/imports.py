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

from bot.console.auth import Session
from bot.core.benefits import Item, Push, Source
from bot.incentives.csv_import import FileError, import_rows, read_rows
from bot.incentives.feed import FeedStore, Summary

if TYPE_CHECKING:
    from bot.console.app import Console

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
            raise FileError(str(exc).replace(str(path), path.name)) from None


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

    async def dry_run(request: web.Request, session: Session) -> web.StreamResponse:
        posted = await request.post()
        upload = posted.get("file")
        if not isinstance(upload, web.FileField):
            return console.page(
                request, session, "import.html", 400, summary=None, token="", error=""
            )
        data = upload.file.read()
        try:
            rows = await asyncio.to_thread(_read, data, upload.filename)
        except FileError as exc:
            return console.page(
                request, session, "import.html", 400, summary=None, token="", error=str(exc)
            )
        summary: Summary = await import_rows(
            cast(FeedStore, DryRun(feed)), console.program, console.clock, rows
        )
        await console.audit(session, "import_dry_run", {"rows": len(rows), **_counts(summary)})
        token = keep(session.operator.name, rows)
        return console.page(
            request, session, "import.html", summary=summary, token=token, applied=False, error=""
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
            request, session, "import.html", summary=summary, token="", applied=True, error=""
        )

    admin = {"admin": True}
    return [
        web.get("/console/imports", console.guard(form, **admin)),
        web.post("/console/imports/dry-run", console.guard(dry_run, **admin)),
        web.post("/console/imports/apply", console.guard(apply, **admin)),
    ]


def _counts(summary: Summary) -> dict[str, int]:
    return {
        "applied": summary.applied,
        "unchanged": summary.unchanged,
        "unmatched": summary.unmatched,
        "bad": summary.bad,
    }
