"""Broadcast pages (admins): write a message, pick a segment, preview it in both languages with
its recipient count, send now or at a time; then watch its progress or cancel the rest."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.labels import segment_words
from bot.console.participants import filter_choices
from bot.console.render import ZONE, path_id, translator
from bot.console.segments import FIELDS, SegmentError, as_query, parse_segment
from bot.core.i18n import N_, Translator
from bot.core.program import Reminders
from bot.core.zones import ZONES
from bot.outbox.planner import leave_quiet
from bot.storage.segments import Segment

ROUTES = web.RouteTableDef()
MAX_TEXT = 4000
TOKEN = "form_token"  # one per new-broadcast form: sending it twice creates one broadcast


class BroadcastError(ValueError):
    """A broadcast that cannot be sent (translated message)."""


MAX_AHEAD = timedelta(days=366)  # a typo'd year never parks a broadcast forever


def parse_at(value: object, t: Translator, now: datetime) -> datetime | None:
    """A send time: ISO-8601, or a form's local date-time (WIB); None for now."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BroadcastError(t._("The time must look like 2021-11-20T10:00.")) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(ZONE))
    if moment < now:
        raise BroadcastError(t._("The time has already passed."))
    if moment > now + MAX_AHEAD:
        raise BroadcastError(
            t._("A broadcast can be planned at most {days} days ahead.").format(
                days=MAX_AHEAD.days
            )
        )
    return moment


def check_text(text: str, t: Translator) -> str:
    if not text.strip():
        raise BroadcastError(t._("Write the message first."))
    if len(text) > MAX_TEXT:
        raise BroadcastError(t._("The message is longer than {n} characters.").format(n=MAX_TEXT))
    return text.strip()


Form = tuple[Segment, str, str | None, bool, datetime | None]
Posted = tuple[dict[str, Any], Form]


def read_form(console: Console, form: Mapping[str, Any], t: Translator) -> Form:
    if not any(k in form for k in FIELDS):
        # a form without the filters must not silently mean every participant
        raise BroadcastError(t._("Choose the recipients (the filters) first."))
    segment = parse_segment({k: v for k, v in form.items() if k in FIELDS}, console.program, t)
    text = check_text(str(form.get("text", "")), t)
    text_en = str(form.get("text_en", "")).strip() or None
    if text_en is not None:
        text_en = check_text(text_en, t)
    notice = str(form.get("notice", "")) in ("1", "on", "true")
    return segment, text, text_en, notice, parse_at(form.get("at"), t, console.clock.now())


def start_times(start: datetime, rules: Reminders) -> list[tuple[str, str, datetime]]:
    """(zone label, local start, moment) where `start` falls in that zone's quiet hours: the
    rows of participants there wait until the quiet hours end (bot/console/sending.py)."""
    found = []
    for label, name in ZONES.items():
        zone = ZoneInfo(name)
        moved = leave_quiet(start, zone, rules)
        if moved > start:
            local = moved.astimezone(zone).strftime("%d-%m-%Y %H:%M ") + label
            found.append((label, local, moved))
    return found


def quiet_hours(rules: Reminders) -> str:
    """21.00–07.00, as the program file sets them."""
    return f"{rules.quiet_start:%H.%M}–{rules.quiet_end:%H.%M}"


STATE_LABELS = {
    "enqueueing": N_("Preparing"),
    "queued": N_("Queued"),
    "cancelled": N_("Cancelled"),
}


@ROUTES.get(PREFIX + "/broadcasts")
@page(admin=True)
async def listing(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; the newest broadcasts with their progress."""
    found = await console.store.broadcasts()
    progress = {b.id: await console.store.broadcast_progress(b.id) for b in found}
    return console.page(
        request,
        session,
        "broadcasts.html",
        broadcasts=found,
        progress=progress,
        states=STATE_LABELS,
    )


@ROUTES.get(PREFIX + "/broadcasts/new")
@page(admin=True)
async def new(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; the form (filters from the query), with a fresh form token."""
    values = {k: v for k, v in request.query.items() if k != TOKEN}
    values[TOKEN] = secrets.token_urlsafe(16)
    return console.page(
        request,
        session,
        "broadcast_new.html",
        values=values,
        error="",
        **filter_choices(console),
    )


async def posted(
    console: Console, request: web.Request, session: Session
) -> Posted | web.Response:
    """The form's broadcast, or the form again with what is wrong (400)."""
    form = dict((await request.post()).items())
    form.pop("csrf", None)
    try:
        return form, read_form(console, form, translator(request))
    except (SegmentError, BroadcastError) as exc:
        return console.page(
            request,
            session,
            "broadcast_new.html",
            400,
            values=form,
            error=str(exc),
            **filter_choices(console),
        )


@ROUTES.post(PREFIX + "/broadcasts/preview")
@page(admin=True)
async def preview(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; the message in both languages, the filters in words (a warning when
    it reaches everyone), the recipients, and when quiet hours let it start."""
    found = await posted(console, request, session)
    if isinstance(found, web.Response):
        return found
    form, (segment, text, text_en, notice, at) = found
    starts = start_times(at or console.clock.now(), console.program.reminders)
    t = translator(request)
    # WhatsApp's daily limit: templates reach at most `tier` new people a day.
    tier = int(console.settings.get("whatsapp_tier", 1_000))
    templates = await console.broadcasts.template_recipients(segment, notice)
    last_template = None
    if templates > tier:
        last_template = (at or console.clock.now()) + timedelta(days=(templates - 1) // tier)
    return console.page(
        request,
        session,
        "broadcast_preview.html",
        values=form,
        change={k: v for k, v in form.items() if k != TOKEN},
        text=text,
        text_en=text_en,
        notice=notice,
        at=at,
        recipients=await console.broadcasts.recipients(segment, notice),
        segment=as_query(segment),
        filters=segment_words(segment, t, console.program),
        starts=starts,
        first=min((moment for _, _, moment in starts), default=None),
        all_zones=len(ZONES),
        quiet=quiet_hours(console.program.reminders),
        templates=templates,
        tier=tier,
        last_template=last_template,
    )


@ROUTES.post(PREFIX + "/broadcasts")
@page(admin=True)
async def create(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the broadcast once per form token (sent again: the same broadcast, nothing
    new); to its page."""
    found = await posted(console, request, session)
    if isinstance(found, web.Response):
        return found
    form, (segment, text, text_en, notice, at) = found
    token = str(form.get(TOKEN, ""))[:64] or None
    bid, count, created = await console.broadcasts.create_once(
        session.operator.name, segment, text, text_en, notice, at, token
    )
    if not created:
        raise web.HTTPSeeOther(f"{PREFIX}/broadcasts/{bid}?again=1")
    await console.audit(
        session, "broadcast_create", {"broadcast": bid, "recipients": count, "notice": notice}
    )
    raise web.HTTPSeeOther(f"{PREFIX}/broadcasts/{bid}")


@ROUTES.get(PREFIX + "/broadcasts/{bid}")
@page(admin=True)
async def detail(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; the broadcast's counts (adding up to its recipients), its start as
    quiet hours allow, and its delivery by WhatsApp status and failure reason."""
    bid = path_id(request, "bid")
    found = await console.store.broadcast(bid) if bid is not None else None
    if found is None:
        return console.refuse(request, session, 404)
    progress = await console.store.broadcast_progress(found.id)
    active = found.state == "enqueueing" or progress["pending"] + progress["sending"] > 0
    rows = sum(progress.values())
    starts = start_times(found.send_at, console.program.reminders)
    return console.page(
        request,
        session,
        "broadcast.html",
        b=found,
        progress=progress,
        # recipients counted when it was created, never given a row: cancelled before their
        # turn, or no longer reachable when their batch came
        unqueued=max(0, found.recipients - rows),
        active=active,
        states=STATE_LABELS,
        again=request.query.get("again") == "1",
        starts=starts,
        first=min((moment for _, _, moment in starts), default=None),
        all_zones=len(ZONES),
        quiet=quiet_hours(console.program.reminders),
        delivery=await console.store.delivery_report(broadcast_id=found.id),
    )


@ROUTES.post(PREFIX + "/broadcasts/{bid}/cancel")
@page(admin=True)
async def cancel(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the cancelling (rows not sent yet, and the rest never queued); to its page."""
    bid = path_id(request, "bid")
    if bid is None or await console.store.broadcast(bid) is None:
        return console.refuse(request, session, 404)
    cancelled = await console.store.cancel_broadcast(bid, console.clock.now())
    await console.audit(
        session, "broadcast_cancel", {"broadcast": bid, "cancelled": cancelled or 0}
    )
    raise web.HTTPSeeOther(f"{PREFIX}/broadcasts/{bid}")
