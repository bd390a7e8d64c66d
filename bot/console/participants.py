"""Participants: search and filter (a segment), a page per participant, CSV export (admins)."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.labels import STEP_LABELS
from bot.console.render import path_id, translator
from bot.console.segments import CHANNELS, SegmentError, as_query, parse_segment
from bot.core.wire import bounded_int
from bot.core.zones import ZONES
from bot.incentives.tracker import item_specs
from bot.storage.segments import FUNNEL, INCENTIVE_STATUSES, Segment

ROUTES = web.RouteTableDef()
PAGE = 50
COUNT_AT_MOST = 10_000  # the list says "10.000+" beyond (the export and broadcasts count all)
EXPORT_COLUMNS = (
    "ref",
    "channel",
    "wave",
    "scheme",
    "zone",
    "phone",
    "deadline_utc",
    "reminders",
    "steps",
)


def filter_choices(console: Console) -> dict[str, Any]:
    """What the filter form offers (shared with the broadcast form)."""
    return {
        "schemes": list(console.program.schemes),
        "steps": [(s, STEP_LABELS[s]) for s in FUNNEL],
        "zones": list(ZONES.items()),
        "channels": CHANNELS,
        "statuses": INCENTIVE_STATUSES,
    }


def read_segment(console: Console, request: web.Request) -> tuple[Segment | None, str]:
    """The query's segment, or None and what is wrong (in the operator's language)."""
    t = translator(request)
    values = {k: v for k, v in request.query.items() if k not in ("after",)}
    try:
        return parse_segment(values, console.program, t), ""
    except SegmentError as exc:
        return None, str(exc)


@ROUTES.get(PREFIX + "/participants")
@page()
async def listing(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing (searches are audited); the segment's participants, 50 a page. A
    filter that cannot be used keeps every value as typed and offers no export or
    broadcast (a link never acts on more than what was asked)."""
    segment, error = read_segment(console, request)
    now = console.clock.now()
    try:
        after = max(0, bounded_int(request.query.get("after", "0")))
    except ValueError:
        after = 0
    if segment is None:
        typed = {k: v for k, v in request.query.items() if k != "after"}
        return console.page(
            request,
            session,
            "participants.html",
            400,
            rows=[],
            total=0,
            values=typed,
            capped=False,
            at_most=COUNT_AT_MOST,
            error=error,
            more="",
            export="",
            **filter_choices(console),
        )
    rows = await console.reader.list_segment(segment, now, after_id=after, limit=PAGE)
    total = await console.reader.count_segment_upto(segment, now, COUNT_AT_MOST)
    query = as_query(segment)
    more = urlencode({**query, "after": rows[-1].id}) if len(rows) == PAGE else ""
    if segment.query is not None:
        await console.audit(
            session,
            "participant_search",
            {
                "found": total,
                "phone": segment.query.startswith("+"),
                "from": console.address(request),
            },
        )
    return console.page(
        request,
        session,
        "participants.html",
        rows=rows,
        total=total,
        values=query,
        capped=total > COUNT_AT_MOST,
        at_most=COUNT_AT_MOST,
        error=error,
        more=more,
        export=urlencode(query),
        **filter_choices(console),
    )


@ROUTES.get(PREFIX + "/participants/{pid}")
@page()
async def detail(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the view in the audit log; the participant's progress, items, outbox."""
    store = console.store
    pid = path_id(request, "pid")
    if pid is None:
        return console.refuse(request, session, 404)
    participant = await store.participant_by_id(pid)
    if participant is None:
        return console.refuse(request, session, 404)
    scheme = console.program.schemes[participant.scheme or console.program.program.default_scheme]
    items = await store.benefit_items(pid, item_specs(scheme))
    await console.audit(session, "participant_view", participant_id=pid)
    steps = [(STEP_LABELS[s], participant.progress.get(s)) for s in FUNNEL[1:-1]]
    return console.page(
        request,
        session,
        "participant.html",
        p=participant,
        steps=steps,
        items=items,
        outbox=await store.participant_outbox(pid),
        handoffs=await store.participant_handoffs(pid),
        now=console.clock.now(),
    )


@ROUTES.get(PREFIX + "/participants.csv")
@page(admin=True)
async def export(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores the export in the audit log; the segment as CSV (never more than asked)."""
    segment, error = read_segment(console, request)
    if segment is None:
        return console.error(request, session, 400, error)
    now = console.clock.now()
    filters = {k: v for k, v in segment.as_dict().items() if k != "query"}
    rows = await console.reader.count_segment(segment, now)
    await console.audit(session, "participants_export", {"segment": filters, "rows": rows})
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="participants.csv"',
            "Cache-Control": "no-store",
        }
    )
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    async for p in console.reader.iter_segment(segment, now):
        writer.writerow(
            [
                p.ref_code,
                p.channel,
                p.wave or "",
                p.scheme or "",
                p.timezone,
                p.phone or "",
                p.deadline_utc.isoformat() if p.deadline_utc else "",
                "on" if p.reminders_enabled else "off",
                " ".join(s for s in FUNNEL if s in p.steps),
            ]
        )
        if buffer.tell() > 64 * 1024:
            await response.write(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    await response.write(buffer.getvalue().encode())
    await response.write_eof()
    return response
