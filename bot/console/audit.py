"""The audit log page (admins): who did what, when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.console.auth import Session
from bot.core.wire import bounded_int

if TYPE_CHECKING:
    from bot.console.app import Console


def routes(console: Console) -> list[web.RouteDef]:
    async def page(request: web.Request, session: Session) -> web.StreamResponse:
        try:
            before = bounded_int(request.query["before"]) if "before" in request.query else None
        except ValueError:
            before = None
        entries = await console.store.audit_entries(100, before)
        older = entries[-1].id if len(entries) == 100 else None
        return console.page(request, session, "audit.html", entries=entries, older=older)

    return [web.get("/console/audit", console.guard(page, admin=True))]
