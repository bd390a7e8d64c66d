"""The audit log page (admins): who did what, when, and from where."""

from __future__ import annotations

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.core.wire import bounded_int

ROUTES = web.RouteTableDef()


@ROUTES.get(PREFIX + "/audit")
@page(admin=True)
async def audit_page(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """Stores nothing; the newest 100 entries (older ones by ?before=)."""
    try:
        before = bounded_int(request.query["before"]) if "before" in request.query else None
    except ValueError:
        before = None
    entries = await console.store.audit_entries(100, before)
    older = entries[-1].id if len(entries) == 100 else None
    return console.page(request, session, "audit.html", entries=entries, older=older)
