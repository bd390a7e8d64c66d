"""Beside the inbox: saved replies per topic (admins add and remove, everyone uses them),
going on and off shift (round-robin assignment), and response figures per day and per agent
(first response, resolution, satisfaction)."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.handoffs import assign_waiting
from bot.console.inbox import by_day_and_agent, figures
from bot.console.render import path_id, query_days, translator
from bot.nlu.knowledge import INTENTS, UNKNOWN

ROUTES = web.RouteTableDef()
TOPICS = tuple(i for i in INTENTS if i != UNKNOWN)
GENERAL = "general"


@ROUTES.get(PREFIX + "/replies")
@page()
async def saved(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; the saved replies by topic (admins: the form to add one)."""
    return console.page(
        request,
        session,
        "replies.html",
        replies=await console.store.saved_replies(),
        topics=(GENERAL, *TOPICS),
        error="",
    )


@ROUTES.post(PREFIX + "/replies")
@page(admin=True)
async def add(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores a saved reply for a topic; back to the list."""
    form = await request.post()
    topic = str(form.get("topic", ""))
    title, text = str(form.get("title", "")).strip(), str(form.get("text", "")).strip()
    if topic not in (GENERAL, *TOPICS) or not title or not text or len(text) > 2000:
        t = translator(request)
        return console.page(
            request,
            session,
            "replies.html",
            400,
            replies=await console.store.saved_replies(),
            topics=(GENERAL, *TOPICS),
            error=t._("Choose a topic and write a title and the reply (at most 2000 characters)."),
        )
    found = await console.store.add_saved_reply(
        topic, title[:80], text, session.operator.name, console.clock.now()
    )
    await console.audit(session, "saved_reply_add", {"message": found})
    raise web.HTTPSeeOther(f"{PREFIX}/replies")


@ROUTES.post(PREFIX + "/replies/{rid}/delete")
@page(admin=True)
async def remove(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Deletes a saved reply; back to the list."""
    rid = path_id(request, "rid")
    if rid is None or not await console.store.delete_saved_reply(rid):
        return console.refuse(request, session, 404)
    raise web.HTTPSeeOther(f"{PREFIX}/replies")


@ROUTES.post(PREFIX + "/shift")
@page()
async def shift(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the operator going on or off shift (on: waiting handoffs are shared out)."""
    on = (await request.post()).get("on") == "1"
    await console.store.set_on_shift(session.operator.name, on)
    await console.audit(session, "shift", {"on": on})
    if on:
        await assign_waiting(console, session.operator.name)
    raise web.HTTPSeeOther(f"{PREFIX}/handoffs")


@ROUTES.get(PREFIX + "/handoffs-figures")
@page()
async def stats(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; first response, resolution and satisfaction per day and per agent
    over the last 1, 7 or 30 days."""
    days = query_days(request, 7)
    timings = await console.reader.handoff_timings(console.clock.now() - timedelta(days=days))
    per_day, per_agent = by_day_and_agent(timings)
    return console.page(
        request,
        session,
        "handoff_figures.html",
        days=days,
        total=figures(timings),
        per_day=per_day,
        per_agent=per_agent,
    )
