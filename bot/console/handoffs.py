"""The handoff inbox: participants waiting for a person, the redacted conversation, replying
(through the outbox) and closing (the bot answers again)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.console.auth import Session
from bot.console.render import translator
from bot.core.i18n import N_
from bot.core.wire import bounded_int
from bot.storage.sqlite import SqliteStore

if TYPE_CHECKING:
    from bot.console.app import Console

MAX_REPLY = 2000
CLOSED = N_("This conversation has already been closed.")


def reply_problem(text: str) -> str | None:
    """Why a reply cannot be sent (a msgid with {n}: translate, then format), or None."""
    if not text.strip():
        return N_("The reply is empty.")
    if len(text) > MAX_REPLY:
        return N_("The reply is longer than {n} characters.")
    return None


def routes(console: Console) -> list[web.RouteDef]:
    store: SqliteStore = console.store

    async def inbox(request: web.Request, session: Session) -> web.StreamResponse:
        return console.page(
            request,
            session,
            "handoffs.html",
            handoffs=await store.active_handoffs(),
            now=console.clock.now(),
        )

    async def _found(request: web.Request) -> int | None:
        try:
            hid = bounded_int(request.match_info["hid"])
        except ValueError:
            return None
        return hid if await store.handoff(hid) is not None else None

    async def detail(request: web.Request, session: Session) -> web.StreamResponse:
        hid = await _found(request)
        if hid is None:
            return console.refuse(request, session, 404)
        handoff = await store.handoff(hid)
        assert handoff is not None
        await console.audit(
            session, "handoff_view", {"handoff": hid}, participant_id=handoff.participant_id
        )
        return console.page(
            request,
            session,
            "handoff.html",
            h=handoff,
            messages=await store.handoff_messages(hid),
            now=console.clock.now(),
            error=request.query.get("error", ""),
        )

    async def act(request: web.Request, session: Session) -> web.StreamResponse:
        hid = await _found(request)
        if hid is None:
            return console.refuse(request, session, 404)
        action = request.match_info["action"]
        now, name = console.clock.now(), session.operator.name
        target = f"/console/handoffs/{hid}"
        if action == "take":
            await store.take_handoff(hid, name, now)
        elif action == "reply":
            form = await request.post()
            text = str(form.get("text", ""))
            if problem := reply_problem(text):
                t = translator(request)
                return console.page(
                    request, session, "error.html", 400, message=t._(problem).format(n=MAX_REPLY)
                )
            if not await store.reply_handoff(hid, name, text.strip(), now):
                # found above, so it was closed (by a colleague, or before this form was sent)
                t = translator(request)
                return console.page(request, session, "error.html", 409, message=t._(CLOSED))
        elif action == "close":
            await store.close_handoff(hid, name, now)
            target = "/console/handoffs"
        else:
            return console.refuse(request, session, 404)
        await console.audit(session, f"handoff_{action}", {"handoff": hid})
        raise web.HTTPSeeOther(target)

    return [
        web.get("/console/handoffs", console.guard(inbox)),
        web.get("/console/handoffs/{hid}", console.guard(detail)),
        web.post("/console/handoffs/{hid}/{action}", console.guard(act)),
    ]
