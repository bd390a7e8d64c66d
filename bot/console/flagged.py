"""The "Flagged" page (admins): messages the scam check flagged, redacted, with what gave each
away, and a count per day (WIB) so that a new scam wave shows up as a spike."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.render import ZONE, query_days

ROUTES = web.RouteTableDef()
SHOWN = 200


def per_day(times: list[date], first: date, days: int) -> list[tuple[date, int]]:
    """(day, count) for each of `days` days from `first`, zero days included."""
    counts = Counter(times)
    return [(first + timedelta(days=i), counts[first + timedelta(days=i)]) for i in range(days)]


@ROUTES.get(PREFIX + "/flagged")
@page(admin=True)
async def flagged_page(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """Stores nothing; the flagged messages of the last days and a count per day."""
    days = query_days(request, 14)
    zone = ZoneInfo(ZONE)
    today = console.clock.now().astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    since = console.clock.now() - timedelta(days=days)
    times = [t.astimezone(zone).date() for t in await console.reader.flagged_times(since)]
    counts = per_day([d for d in times if d >= first], first, days)
    messages = await console.reader.list_flagged(SHOWN, since)
    return console.page(
        request,
        session,
        "flagged.html",
        messages=messages,
        counts=counts,
        peak=max((n for _, n in counts), default=0),
        total=sum(n for _, n in counts),
        days=days,
    )
