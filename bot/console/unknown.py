"""The "not understood" page (admins): the redacted messages the bot did not understand,
grouped by the knowledge-base entry the model thinks likeliest, each with the model's three
guesses (the first pre-selected). An admin attaches a message to an entry as a new example
(stored redacted, audited) and reloads the models: every instance retrains in the background
and answers with the new examples (bot/knowledge/teaching.py), no deploy.
`prakerja-bot unknown --export` writes the attached examples for the data files."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot import knowledge
from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.guesses import entries, groups, locale_of
from bot.console.render import path_id, query_days, translator
from bot.core.safety import keepable
from bot.core.wire import bounded_int
from bot.knowledge import teaching

ROUTES = web.RouteTableDef()
SHOWN = 200
PAGE = PREFIX + "/unknown"


def _back(days: object, anchor: str = "") -> web.HTTPSeeOther:
    """Back to the page for the same period (?days=…), at `anchor`."""
    text = str(days or "")
    query = f"?days={text}" if text.isascii() and text.isdigit() and len(text) < 4 else ""
    return web.HTTPSeeOther(f"{PAGE}{query}{anchor}")


@ROUTES.get(PAGE)
@page(admin=True)
async def unknown_page(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """Stores nothing; the kept messages of the last days, grouped, with the guesses."""
    days = query_days(request, 7)
    since = console.clock.now() - timedelta(days=days)
    messages = await console.reader.list_unknown(SHOWN, since=since)
    taught = await console.store.examples_of_unknown([m.id for m in messages])
    version = await console.store.kb_version()
    examples = await console.store.taught_examples()
    teacher = teaching.running()
    shown_in = translator(request).locale  # every entry named in the console's language
    people = await console.store.participants_by_ids({m.participant_id for m in messages})
    locales = {pid: p.locale for pid, p in people.items()}  # when the text does not tell
    return console.page(
        request,
        session,
        "unknown.html",
        groups=groups(console.program, messages, taught, locales, shown_in),
        shown=len(messages),
        days=days,
        entries=entries(console.program, shown_in),
        version=version,
        waiting=sum(1 for e in examples if version is None or e.id > version.upto),
        examples=len(examples),
        state=teacher.state if teacher is not None else None,
    )


async def _teach(console: Console, session: Session, message_id: int, entry_id: str) -> bool:
    """Stores one kept message, redacted, as an example of the entry; audited. False if
    there is no such message or entry."""
    message = await console.store.unknown_by_id(message_id)
    if message is None:
        return False
    locale = locale_of(message.text)
    text = " ".join(keepable(message.text).split())  # never a secret, a number, an e-mail
    if knowledge.bases(console.program)[locale].get(entry_id) is None or not text:
        return False
    example = await console.store.attach_example(
        locale, entry_id, text, session.operator.name, console.clock.now(), message.id
    )
    detail = {"message": message_id, "entry": entry_id, "example": example}
    await console.audit(session, "kb_attach", detail, message.participant_id)
    return True


@ROUTES.post(PAGE + "/{mid:\\d+}")
@page(admin=True)
async def attach(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the message, redacted, as an example of the chosen entry; audited."""
    form = await request.post()
    message_id = path_id(request, "mid")
    if message_id is None:
        return console.refuse(request, session, 404)
    typed = str(form.get("other", "")).strip()
    entry_id = typed.split(" ", 1)[0] if typed else str(form.get("entry", ""))
    if not entry_id:  # nothing chosen (nothing was pre-selected): nothing stored
        raise _back(form.get("days"), f"#m{message_id}")
    if not await _teach(console, session, message_id, entry_id):
        return console.refuse(request, session, 404)
    raise _back(form.get("days"), f"#m{message_id}")


@ROUTES.post(PAGE + "/group")
@page(admin=True)
async def attach_group(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """Stores every listed message of a group as an example of its entry; each audited."""
    form = await request.post()
    entry_id = str(form.get("entry", ""))
    try:
        ids = [bounded_int(str(v)) for v in form.getall("message", [])][:SHOWN]
    except ValueError:
        return console.refuse(request, session, 404)
    done = [mid for mid in ids if await _teach(console, session, mid, entry_id)]
    if not done:
        return console.refuse(request, session, 404)
    raise _back(form.get("days"), f"#m{done[0]}")


@ROUTES.post(PAGE + "/example/{eid}/remove")
@page(admin=True)
async def remove(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Forgets an attached example (the models drop it at the next reload); audited."""
    form = await request.post()
    example_id = path_id(request, "eid")
    if example_id is None or not await console.store.remove_example(example_id):
        return console.refuse(request, session, 404)
    await console.audit(session, "kb_remove", {"example": example_id})
    raise _back(form.get("days"))


@ROUTES.post(PAGE + "/reload")
@page(admin=True)
async def reload(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores a new version of the models; every instance retrains in the background."""
    form = await request.post()
    version = await console.store.request_kb_version(session.operator.name, console.clock.now())
    await console.audit(session, "kb_reload", {"version": version.version})
    teacher = teaching.running()
    if teacher is not None:
        teacher.nudge()  # this instance now; the others within seconds
    raise _back(form.get("days"), "#models")
