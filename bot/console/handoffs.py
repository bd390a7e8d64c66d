"""The handoff inbox: who is waiting (priority first, then the longest waiting; filters mine,
unassigned, waiting longest), each with their last message and who has it; a handoff's
conversation beside what the bot knows and tried, internal notes, saved replies; taking over
a colleague's handoff asks first; replying goes through the outbox; closing hands the
participant back to the bot and asks them, with one tap, whether it helped."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.inbox import FILTERS, WHY, listing, round_robin, story_lines
from bot.console.labels import STEP_LABELS
from bot.console.render import path_id, translator
from bot.core.i18n import N_
from bot.incentives.tracker import item_specs
from bot.storage.segments import FUNNEL

ROUTES = web.RouteTableDef()
MAX_REPLY = 2000
MAX_NOTE = 2000
CLOSED = N_("This conversation has already been closed.")
SATISFACTION = "satisfaction"  # the outbox kind of the one-tap question (handlers/satisfaction.py)


def reply_problem(text: str) -> str | None:
    """Why a reply cannot be sent (a msgid with {n}: translate, then format), or None."""
    if not text.strip():
        return N_("The reply is empty.")
    if len(text) > MAX_REPLY:
        return N_("The reply is longer than {n} characters.")
    return None


async def assign_waiting(console: Console, by: str) -> int:
    """Round-robin: each unassigned open handoff to an agent on shift (a cap each)."""
    agents = await console.store.agents_on_shift()
    if not agents:
        return 0
    rows = listing(await console.store.inbox_rows(), "unassigned", by, console.clock.now())
    waiting = [x.row.handoff.id for x in rows if x.row.handoff.state == "open"]
    plan = round_robin(waiting, agents, int(console.settings["agent_cap"]))
    done = 0
    for handoff_id, agent in plan:
        done += await console.store.assign_handoff(handoff_id, agent, console.clock.now())
    if done:
        await console.store.audit(by, "handoff_assign", console.clock.now(), {"handoffs": done})
    return done


async def close_and_ask(console: Console, handoff_id: int, by: str) -> bool:
    """Closes the handoff; queues the satisfaction question after the closing message."""
    now = console.clock.now()
    found = await console.store.handoff(handoff_id)
    if found is None or not await console.store.close_handoff(handoff_id, by, now):
        return False
    await console.store.enqueue(
        found.participant_id,
        SATISFACTION,
        now + timedelta(seconds=2),
        {"handoff": handoff_id},
        f"{SATISFACTION}:{handoff_id}",
        now=now,
    )
    return True


@ROUTES.get(PREFIX + "/handoffs")
@page()
async def inbox(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores round-robin assignments (agents on shift); the list as the filter shows it."""
    await assign_waiting(console, session.operator.name)
    shown = request.query.get("show", "all")
    shown = shown if shown in FILTERS else "all"
    now = console.clock.now()
    rows = listing(await console.store.inbox_rows(), shown, session.operator.name, now)
    me = await console.store.operator(session.operator.name)
    return console.page(
        request,
        session,
        "handoffs.html",
        rows=rows,
        shown=shown,
        filters=FILTERS,
        why=WHY,
        now=now,
        on_shift=bool(me and me.on_shift),
        agents=await console.store.agents_on_shift(),
        cap=int(console.settings["agent_cap"]),
    )


async def found(console: Console, request: web.Request) -> int | None:
    hid = path_id(request, "hid")
    if hid is None:
        return None
    return hid if await console.store.handoff(hid) is not None else None


@ROUTES.get(PREFIX + "/handoffs/{hid}")
@page()
async def detail(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the view in the audit log; the conversation beside the participant's facts and
    what the bot tried, notes, saved replies (?reply=ID fills the reply box)."""
    hid = await found(console, request)
    if hid is None:
        return console.refuse(request, session, 404)
    store = console.store
    handoff = await store.handoff(hid)
    assert handoff is not None
    await console.audit(
        session, "handoff_view", {"handoff": hid}, participant_id=handoff.participant_id
    )
    now = console.clock.now()
    participant = await store.participant_by_id(handoff.participant_id)
    assert participant is not None
    scheme = console.program.schemes[participant.scheme or console.program.program.default_scheme]
    story = await store.participant_story(participant.id or 0, now - timedelta(days=30))
    memory = story.get("memory") or {}
    replies = await store.saved_replies()
    topic = memory.get("topic")
    replies.sort(key=lambda r: (r.topic != topic, r.topic, r.title))
    chosen = request.query.get("reply", "")
    draft = next((r.text for r in replies if str(r.id) == chosen), "")
    reached = [s for s in FUNNEL[1:-1] if s in participant.progress]
    t = translator(request)
    items = await store.benefit_items(participant.id or 0, item_specs(scheme))
    return console.page(
        request,
        session,
        "handoff.html",
        h=handoff,
        p=participant,
        stage=STEP_LABELS[reached[-1]] if reached else STEP_LABELS["onboarded"],
        items=items,
        story=story_lines(story, participant.wallet, t, {i.key: i for i in items}),
        messages=await store.handoff_messages(hid),
        notes=await store.notes(hid),
        replies=replies,
        topic=topic,
        draft=draft,
        now=now,
        error=request.query.get("error", ""),
    )


@ROUTES.post(PREFIX + "/handoffs/{hid}/{action}")
@page()
async def act(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores a take (a colleague's only once confirmed), a reply (and its outbox row), an
    internal note, or a close (and the satisfaction question); back to the handoff."""
    store = console.store
    hid = await found(console, request)
    if hid is None:
        return console.refuse(request, session, 404)
    action = request.match_info["action"]
    now, name = console.clock.now(), session.operator.name
    target = f"{PREFIX}/handoffs/{hid}"
    t = translator(request)
    form = await request.post()
    if action == "take":
        current = await store.handoff(hid)
        holder = current.taken_by if current else None
        if holder and holder != name and form.get("confirm") != "1":
            return console.page(request, session, "take_over.html", h=current, holder=holder)
        await store.take_handoff(hid, name, now)
    elif action == "reply":
        text = str(form.get("text", ""))
        if problem := reply_problem(text):
            return console.error(request, session, 400, t._(problem).format(n=MAX_REPLY))
        if not await store.reply_handoff(hid, name, text.strip(), now):
            # found above, so it was closed (by a colleague, or before this form was sent)
            return console.error(request, session, 409, t._(CLOSED))
    elif action == "note":
        text = str(form.get("text", "")).strip()
        if not text or len(text) > MAX_NOTE:
            return console.error(
                request, session, 400, t._("Write the note (at most 2000 characters).")
            )
        await store.add_note(hid, name, text, now)
        target += "#notes"
    elif action == "close":
        await close_and_ask(console, hid, name)
        target = f"{PREFIX}/handoffs"
    else:
        return console.refuse(request, session, 404)
    await console.audit(session, f"handoff_{action}", {"handoff": hid})
    raise web.HTTPSeeOther(target)
