"""The overview page: the funnel of the program's steps (filterable by wave and scheme),
deadlines passed without a purchase, open handoffs, messages not understood today, messages
flagged as scams and messages the bot cannot read (per kind) in the last 7 days."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.chart import funnel_svg
from bot.console.labels import STEP_LABELS
from bot.console.render import translator
from bot.console.segments import SegmentError, parse_segment
from bot.core.domain import MEDIA
from bot.core.i18n import N_
from bot.storage.segments import FUNNEL, Segment

log = logging.getLogger(__name__)

ROUTES = web.RouteTableDef()
CACHE_FOR = timedelta(seconds=60)
UNKNOWN_AT_MOST = 10_000


# What participants sent that the bot cannot read (bot/core/domain.py MEDIA).
MEDIA_LABELS = {
    "voice": N_("Voice notes"),
    "sticker": N_("Stickers"),
    "location": N_("Locations"),
    "contact": N_("Contacts"),
    "photo": N_("Photos"),
    "video": N_("Videos"),
    "document": N_("Documents"),
    "other": N_("Other"),
}


def funnel_rows(counts: dict[str, int]) -> list[tuple[str, int, str, str]]:
    """(step, count, share of the onboarded, drop-off from the step before) per step."""
    rows = []
    first = counts.get(FUNNEL[0], 0)
    previous: int | None = None
    for step in FUNNEL:
        count = counts.get(step, 0)
        share = percent(count, first)
        lost = percent(previous - count, previous) if previous else ""
        rows.append((step, count, share, lost))
        previous = count
    return rows


def percent(part: int, whole: int) -> str:
    """A share as a whole-ish percent ("—" of nothing)."""
    if whole <= 0:
        return "–"
    value = 100 * part / whole
    return f"{value:.0f}%" if value >= 10 or value == 0 else f"{value:.1f}%"


@ROUTES.get(PREFIX + "/")
@page()
async def overview(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; the funnel (with shares and drop-off), the tiles, the waiting alert.
    Agents go to the inbox."""
    if not session.admin:
        raise web.HTTPSeeOther(f"{PREFIX}/handoffs")
    t = translator(request)
    values = {k: v for k, v in request.query.items() if k in ("wave", "scheme")}
    error = ""
    try:
        segment = parse_segment(values, console.program, t)
    except SegmentError as exc:
        segment, error = Segment(), str(exc)
    counts, counted_at = await cached_funnel(console, segment)
    rows = [
        (t._(STEP_LABELS[step]), count, share, lost)
        for step, count, share, lost in funnel_rows(counts)
    ]
    unknown_today = await unknown_count(console)
    alert = timedelta(minutes=int(console.settings["waiting_alert_minutes"]))
    now = console.clock.now()
    waiting = [
        h
        for h in await console.store.active_handoffs()
        if (h.waiting_s(now) or 0) >= alert.total_seconds()
    ]
    week = console.clock.now() - timedelta(days=7)
    media = await console.reader.count_media(week)
    return console.page(
        request,
        session,
        "overview.html",
        counts=counts,
        rows=rows,
        chart=funnel_svg(
            [(label, count) for label, count, _, _ in rows], t._("Participants per step")
        ),
        waiting_long=waiting,
        alert_minutes=int(alert.total_seconds() // 60),
        handoffs_open=await console.store.count_active_handoffs(),
        unknown_today=unknown_today,
        media=[(t._(MEDIA_LABELS[kind]), media.get(kind, 0)) for kind in MEDIA],
        flagged_week=len(await console.reader.flagged_times(week)),
        values=values,
        schemes=list(console.program.schemes),
        error=error,
        counted_at=counted_at,
    )


async def cached_funnel(console: Console, segment: Segment) -> tuple[dict[str, int], datetime]:
    """The segment's funnel as of now: a wave's and a scheme's from the counts the store keeps
    as participants change (migration 0013: a few milliseconds on 1,000,000 participants,
    bench/console.py), any other segment counted afresh (kept a minute)."""
    now = console.clock.now()
    if segment == Segment(wave=segment.wave, scheme=segment.scheme):
        return await console.reader.kept_funnel(now, segment.wave, segment.scheme), now
    key = json.dumps(segment.as_dict(), sort_keys=True)
    hit = console.funnel_cache.get(key)
    if hit is not None and now - hit[1] < CACHE_FOR:
        return hit
    return await recount(console, segment)


async def keep_funnel_fresh(console: Console) -> None:
    """Sums the +1/-1 rows the funnel's triggers add into one row per wave, scheme and step
    once a minute, so the overview reads a few thousand rows, never millions (runs while the
    console runs: `Console(refresher=...)`)."""
    while True:
        try:
            await console.store.squash_funnel()
        except Exception:
            log.exception("console: squashing the funnel's counts failed")
        await asyncio.sleep(CACHE_FOR.total_seconds())


async def recount(console: Console, segment: Segment) -> tuple[dict[str, int], datetime]:
    """Counts the segment's funnel afresh and keeps it a minute."""
    now = console.clock.now()
    key = json.dumps(segment.as_dict(), sort_keys=True)
    counts = await console.reader.funnel(segment, now)
    if len(console.funnel_cache) > 100:
        console.funnel_cache.clear()
    console.funnel_cache[key] = (counts, now)
    return counts, now


async def unknown_count(console: Console) -> int:
    """Messages not understood in the last 24 hours: the same period as the page the tile
    links to (/console/unknown?days=1)."""
    since = console.clock.now() - timedelta(days=1)
    return len(await console.reader.list_unknown(UNKNOWN_AT_MOST, since=since))
