"""The handoff inbox: participants waiting for a person, the redacted conversation, replying
(through the outbox) and closing (the bot answers again)."""

from __future__ import annotations

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.render import translator
from bot.core.i18n import N_
from bot.core.wire import bounded_int

ROUTES = web.RouteTableDef()
MAX_REPLY = 2000
CLOSED = N_("This conversation has already been closed.")


def reply_problem(text: str) -> str | None:
    """Why a reply cannot be sent (a msgid with {n}: translate, then format), or None."""
    if not text.strip():
        return N_("The reply is empty.")
    if len(text) > MAX_REPLY:
        return N_("The reply is longer than {n} characters.")
    return None


@ROUTES.get(PREFIX + "/handoffs")
@page()
async def inbox(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; the open handoffs, the longest waiting first."""
    return console.page(
        request,
        session,
        "handoffs.html",
        handoffs=await console.store.active_handoffs(),
        now=console.clock.now(),
    )


async def found(console: Console, request: web.Request) -> int | None:
    try:
        hid = bounded_int(request.match_info["hid"])
    except ValueError:
        return None
    return hid if await console.store.handoff(hid) is not None else None


@ROUTES.get(PREFIX + "/handoffs/{hid}")
@page()
async def detail(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the view in the audit log; the conversation, reply and close."""
    hid = await found(console, request)
    if hid is None:
        return console.refuse(request, session, 404)
    handoff = await console.store.handoff(hid)
    assert handoff is not None
    await console.audit(
        session, "handoff_view", {"handoff": hid}, participant_id=handoff.participant_id
    )
    return console.page(
        request,
        session,
        "handoff.html",
        h=handoff,
        messages=await console.store.handoff_messages(hid),
        now=console.clock.now(),
        error=request.query.get("error", ""),
    )


@ROUTES.post(PREFIX + "/handoffs/{hid}/{action}")
@page()
async def act(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores a take, a reply (and its outbox row) or a close; back to the handoff."""
    store = console.store
    hid = await found(console, request)
    if hid is None:
        return console.refuse(request, session, 404)
    action = request.match_info["action"]
    now, name = console.clock.now(), session.operator.name
    target = f"/console/handoffs/{hid}"
    t = translator(request)
    if action == "take":
        await store.take_handoff(hid, name, now)
    elif action == "reply":
        form = await request.post()
        text = str(form.get("text", ""))
        if problem := reply_problem(text):
            return console.error(request, session, 400, t._(problem).format(n=MAX_REPLY))
        if not await store.reply_handoff(hid, name, text.strip(), now):
            # found above, so it was closed (by a colleague, or before this form was sent)
            return console.error(request, session, 409, t._(CLOSED))
    elif action == "close":
        await store.close_handoff(hid, name, now)
        target = "/console/handoffs"
    else:
        return console.refuse(request, session, 404)
    await console.audit(session, f"handoff_{action}", {"handoff": hid})
    raise web.HTTPSeeOther(target)
