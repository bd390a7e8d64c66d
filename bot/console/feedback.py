"""The "Answers that did not help" page (admins), beside the not-understood page: the answers
participants gave the most 👎 ("Did this help?", handlers/feedback.py) over the last days, with
their 👍 and the messages (redacted) each 👎 answered."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot import knowledge
from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.labels import topic
from bot.console.render import query_days, translator
from bot.core.i18n import Translator
from bot.core.program import Program

ROUTES = web.RouteTableDef()
SHOWN = 30


def answer_title(program: Program, t: Translator, answer: str) -> str:
    """An answer key in words: the entry's title (`kb:<id>`) or the topic (`topic:<intent>`)."""
    kind, _, name = answer.partition(":")
    if kind == "kb":
        bases = knowledge.bases(program)
        entry = (bases.get(t.locale) or bases["id"]).get(name)
        return entry.title if entry is not None else name
    if kind == "topic":
        return t._("Topic: {topic}").format(topic=topic(t, name))
    return answer


@ROUTES.get(PREFIX + "/feedback")
@page(admin=True)
async def feedback_page(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """Stores nothing; the answers with the most 👎 in the last 7, 30 or 90 days."""
    days = query_days(request, 30)
    since = console.clock.now() - timedelta(days=days)
    t = translator(request)
    disliked = await console.store.most_disliked(since, SHOWN)
    up, down = await console.store.feedback_totals(since)
    return console.page(
        request,
        session,
        "feedback.html",
        disliked=[(answer_title(console.program, t, d.answer), d) for d in disliked],
        up=up,
        down=down,
        days=days,
    )
