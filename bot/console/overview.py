"""The overview page: the funnel of the program's steps (filterable by wave and scheme),
deadlines passed without a purchase, open handoffs, messages not understood today, messages
flagged as scams and messages the bot cannot read (per kind) in the last 7 days."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.console.auth import Session
from bot.console.chart import funnel_svg
from bot.console.render import ZONE, translator
from bot.console.segments import SegmentError, parse_segment
from bot.core.domain import MEDIA
from bot.core.i18n import N_
from bot.storage.segments import FUNNEL, Segment

if TYPE_CHECKING:
    from bot.console.app import Console

CACHE_FOR = timedelta(seconds=60)
UNKNOWN_AT_MOST = 10_000
STEP_LABELS = {
    "onboarded": N_("Onboarded"),
    "dashboard": N_("Dashboard checked"),
    "platform": N_("Training platform chosen"),
    "purchase": N_("First training bought"),
    "certificate": N_("Certificate issued"),
    "review": N_("Rating and review given"),
    "linking": N_("Bank account/e-wallet linked"),
    "incentive_paid": N_("First incentive paid"),
}


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


async def overview(console: Console, request: web.Request, session: Session) -> web.Response:
    t = translator(request)
    values = {k: v for k, v in request.query.items() if k in ("wave", "scheme")}
    error = ""
    try:
        segment = parse_segment(values, console.program, t)
    except SegmentError as exc:
        segment, error = Segment(), str(exc)
    counts, counted_at = await cached_funnel(console, segment)
    rows = [(t._(STEP_LABELS[step]), counts.get(step, 0)) for step in FUNNEL]
    unknown_today = await unknown_count(console)
    week = console.clock.now() - timedelta(days=7)
    media = await console.reader.count_media(week)
    return console.page(
        request,
        session,
        "overview.html",
        counts=counts,
        rows=rows,
        chart=funnel_svg(rows, t._("Participants per step")),
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
    """The segment's funnel, counted at most once a minute (on 1,000,000 participants the
    counts take about a second: bench/console.py)."""
    now = console.clock.now()
    key = json.dumps(segment.as_dict(), sort_keys=True)
    hit = console.funnel_cache.get(key)
    if hit is not None and now - hit[1] < CACHE_FOR:
        return hit
    counts = await console.reader.funnel(segment, now)
    if len(console.funnel_cache) > 100:
        console.funnel_cache.clear()
    console.funnel_cache[key] = (counts, now)
    return counts, now


async def unknown_count(console: Console) -> int | None:
    """Messages not understood since midnight WIB, once the store keeps them (issue 11's
    `list_unknown`); None before that."""
    lister = getattr(console.store, "list_unknown", None)
    if lister is None:
        return None
    local = console.clock.now().astimezone(ZoneInfo(ZONE))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return len(await lister(UNKNOWN_AT_MOST, since=midnight))
