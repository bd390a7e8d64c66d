"""What went out and what is kept (admins): delivery per outbox kind over the last days and
per broadcast (queued, sent, delivered, read, failed by reason; CSV too), and the privacy
notice versions participants saw with what the retention purge deletes next."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from aiohttp import web

from bot.console.app import PREFIX, Console, page
from bot.console.auth import Session
from bot.console.render import path_id, query_days
from bot.storage.reports import REASONS, Delivery

ROUTES = web.RouteTableDef()


def delivery_csv(delivery: dict[str, Delivery], name: str) -> web.Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = ["queued", "sent", "delivered", "read", "failed", "cancelled"]
    writer.writerow(["kind", *columns, *(f"failed_{r}" for r in REASONS)])
    for kind, d in delivery.items():
        row = d.row()
        writer.writerow([kind, *(row[c] for c in columns), *(row[f"failed_{r}"] for r in REASONS)])
    return web.Response(
        text=buffer.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@ROUTES.get(PREFIX + "/delivery")
@page(admin=True)
async def delivery(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; every outbox kind's delivery over the last 1, 7 or 30 days."""
    days = query_days(request, 7)
    since = console.clock.now() - timedelta(days=days)
    return console.page(
        request,
        session,
        "delivery.html",
        days=days,
        delivery=await console.reader.delivery_report(since=since),
    )


@ROUTES.get(PREFIX + "/delivery.csv")
@page(admin=True)
async def delivery_export(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """Stores the export in the audit log; the delivery page as CSV."""
    days = query_days(request, 7)
    found = await console.reader.delivery_report(since=console.clock.now() - timedelta(days=days))
    await console.audit(session, "delivery_export", {"days": days})
    return delivery_csv(found, f"delivery-{days}d.csv")


@ROUTES.get(PREFIX + "/broadcasts/{bid}/delivery.csv")
@page(admin=True)
async def broadcast_delivery_export(
    console: Console, request: web.Request, session: Session
) -> web.StreamResponse:
    """Stores the export in the audit log; one broadcast's delivery as CSV."""
    bid = path_id(request, "bid")
    if bid is None or await console.store.broadcast(bid) is None:
        return console.refuse(request, session, 404)
    await console.audit(session, "delivery_export", {"broadcast": bid})
    found = await console.reader.delivery_report(broadcast_id=bid)
    return delivery_csv(found, f"broadcast-{bid}-delivery.csv")


@ROUTES.get(PREFIX + "/privacy")
@page(admin=True)
async def privacy(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Stores nothing; consent per privacy notice version, and the retention rules with what
    the next purge deletes."""
    days = int(console.settings["retention_days"])
    before = console.clock.now() - timedelta(days=days)
    return console.page(
        request,
        session,
        "privacy.html",
        consents=await console.reader.consent_counts(),
        days=days,
        ended=console.settings.get("program_ended_on"),
        due=await console.reader.kept_counts(before),
    )
