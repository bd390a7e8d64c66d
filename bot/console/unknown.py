"""The "not understood" page (admins): the redacted messages the bot did not understand, with
its guesses; an admin marks the intent each should have had, and `prakerja-bot unknown
--export` writes the marked ones as example lines for the understanding data."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.core.wire import bounded_int
from bot.nlu.knowledge import INTENTS, UNKNOWN

ROUTES = web.RouteTableDef()
SHOWN = 200
LABELS = tuple(i for i in INTENTS if i != UNKNOWN)


@ROUTES.get(PREFIX + "/unknown")
@page(admin=True)
async def unknown_page(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """Stores nothing; the last 1, 7 or 30 days' messages the bot did not understand."""
    try:
        days = max(1, min(90, bounded_int(request.query.get("days", "7"))))
    except ValueError:
        days = 7
    since = console.clock.now() - timedelta(days=days)
    messages = await console.reader.list_unknown(SHOWN, since=since)
    return console.page(
        request, session, "unknown.html", messages=messages, intents=LABELS, days=days
    )


@ROUTES.post(PREFIX + "/unknown/{mid}")
@page(admin=True)
async def label(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the topic the message should have had; back to the same period, at it."""
    form = await request.post()
    intent = str(form.get("intent", ""))
    try:
        message_id = bounded_int(request.match_info["mid"])
    except ValueError:
        return console.refuse(request, session, 404)
    if intent not in LABELS or not await console.store.label_unknown(message_id, intent):
        return console.refuse(request, session, 404)
    await console.audit(session, "unknown_label", {"message": message_id, "intent": intent})
    days = str(form.get("days", "")) or request.query.get("days", "")
    query = f"?days={days}" if days.isascii() and days.isdigit() and len(days) < 4 else ""
    raise web.HTTPSeeOther(f"/console/unknown{query}#m{message_id}")
