"""JSON routes for automation (bearer ADMIN_API_TOKEN, like POST /admin/status): stats,
broadcasts, handoffs. Bad input is a clear 400, never a 500. Module-level handlers read the
console and the token from the request's app (`mount_api`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.console.app import CONSOLE, Console
from bot.console.broadcasts import BroadcastError, check_text, parse_at
from bot.console.handoffs import CLOSED, MAX_REPLY, close_and_ask, reply_problem
from bot.console.segments import SegmentError, parse_segment
from bot.core.i18n import Translator
from bot.core.wire import BadInput, bearer_ok, bounded_int, parse_json
from bot.storage.segments import FUNNEL

log = logging.getLogger(__name__)
API = "api"  # the operator name in the audit log
TOKEN = web.AppKey("admin_api_token", SecretStr)
ROUTES = web.RouteTableDef()
T = Translator("en", "Asia/Jakarta")
JsonHandler = Callable[[Console, web.Request], Awaitable[web.StreamResponse]]


def json_error(status: int, reason: str) -> web.Response:
    """Every JSON route's error body: {"error": reason}."""
    return web.json_response({"error": reason}, status=status)


def authorised(request: web.Request) -> bool:
    """The request's bearer token is ADMIN_API_TOKEN (constant time)."""
    token = request.config_dict.get(TOKEN)
    return token is not None and bearer_ok(
        request.headers.get("Authorization"), token.get_secret_value()
    )


def guarded(handler: JsonHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The bearer check, and bad input as a 400."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        if not authorised(request):
            return json_error(401, "missing or wrong bearer token")
        try:
            return await handler(request.config_dict[CONSOLE], request)
        except (SegmentError, BroadcastError, ValueError) as exc:
            return json_error(400, str(exc))

    wrapped.__name__ = handler.__name__
    wrapped.__qualname__ = handler.__qualname__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def api_routes(token: SecretStr | None) -> list[web.AbstractRouteDef]:
    """The console's JSON routes; none (so 404) when ADMIN_API_TOKEN is not set."""
    return list(ROUTES) if token is not None else []


def mount_api(app: web.Application, token: SecretStr | None) -> None:
    if token is not None:
        app[TOKEN] = token


async def body(request: web.Request) -> dict[str, Any]:
    try:
        found = parse_json(await request.read() or b"{}")
    except BadInput as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(found, dict):
        raise ValueError("body must be a JSON object")
    if _holds_nul(found):  # no database keeps a NUL in text (PostgreSQL refuses it)
        raise ValueError("text must not contain NUL characters")
    return found


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def number(request: web.Request, name: str) -> int:
    try:
        return bounded_int(request.match_info[name])
    except ValueError:
        raise ValueError(f"{name} must be a number") from None


@ROUTES.get("/admin/stats")
@guarded
async def stats(console: Console, request: web.Request) -> web.StreamResponse:
    now = console.clock.now()
    counts = await console.reader.kept_funnel(now)
    return web.json_response(
        {
            "participants": counts["participants"],
            "onboarded": counts["onboarded"],
            "purchased": counts.get("purchase", 0),
            "deadline_passed_without_purchase": counts["deadline_passed_without_purchase"],
            "account_linked": counts.get("linking", 0),
            "incentive_paid_any": counts["incentive_paid"],
            "handoffs_open": await console.store.count_active_handoffs(),
            "by_step": {step: counts.get(step, 0) for step in FUNNEL},
        }
    )


@ROUTES.post("/admin/broadcasts")
@guarded
async def create_broadcast(console: Console, request: web.Request) -> web.StreamResponse:
    given = await body(request)
    unknown = sorted(set(given) - {"segment", "text", "text_en", "at", "program_notice"})
    if unknown:
        raise ValueError(f"unknown field: {', '.join(unknown)}")
    if "segment" not in given:
        raise ValueError("segment is required; use {} for every participant")
    raw = given["segment"]
    if not isinstance(raw, dict):
        raise ValueError("segment must be a JSON object of filters")
    segment = parse_segment(raw, console.program, T, api=True)
    if not isinstance(given.get("text"), str):
        raise ValueError("text is required (a string)")
    text = check_text(given["text"], T)
    text_en = given.get("text_en")
    if text_en is not None:
        if not isinstance(text_en, str):
            raise ValueError("text_en must be a string")
        text_en = check_text(text_en, T) if text_en.strip() else None
    notice = given.get("program_notice", False)
    if not isinstance(notice, bool):
        raise ValueError("program_notice must be true or false")
    at_raw = given.get("at")
    if at_raw is not None and not isinstance(at_raw, str):
        raise ValueError("at must be an ISO-8601 string")
    at: datetime | None = parse_at(at_raw, T, console.clock.now())
    bid, count = await console.broadcasts.create(API, segment, text, text_en, notice, at)
    await console.store.audit(
        API,
        "broadcast_create",
        console.clock.now(),
        {"broadcast": bid, "recipients": count, "notice": notice},
    )
    return web.json_response({"id": bid, "recipients": count}, status=201)


@ROUTES.get("/admin/broadcasts/{bid}")
@guarded
async def get_broadcast(console: Console, request: web.Request) -> web.StreamResponse:
    found = await console.store.broadcast(number(request, "bid"))
    if found is None:
        return json_error(404, "no such broadcast")
    progress = await console.store.broadcast_progress(found.id)
    delivery = await console.store.delivery_report(broadcast_id=found.id)
    return web.json_response(
        {
            "id": found.id,
            "state": found.state,
            "recipients": found.recipients,
            "enqueued": found.enqueued,
            "queued": progress["pending"] + progress["sending"],
            "sent": progress["sent"],
            "failed": progress["failed"],
            "cancelled": progress["cancelled"],
            "send_at": found.send_at.isoformat(),
            "delivery": {kind: d.row() for kind, d in delivery.items()},
        }
    )


@ROUTES.get("/admin/handoffs")
@guarded
async def handoffs(console: Console, request: web.Request) -> web.StreamResponse:
    now = console.clock.now()
    return web.json_response(
        [
            {
                "id": h.id,
                "ref": h.ref_code,
                "channel": h.channel,
                "state": h.state,
                "opened_at": h.opened_at.isoformat(),
                "waiting_s": h.waiting_s(now),
                "taken_by": h.taken_by,
            }
            for h in await console.store.active_handoffs()
        ]
    )


@ROUTES.post("/admin/handoffs/{hid}/reply")
@guarded
async def reply(console: Console, request: web.Request) -> web.StreamResponse:
    hid = number(request, "hid")
    given = await body(request)
    text = given.get("text")
    if not isinstance(text, str):
        raise ValueError("text is required (a string)")
    if problem := reply_problem(text):
        raise ValueError(problem.format(n=MAX_REPLY))
    if not await console.store.reply_handoff(hid, API, text.strip(), console.clock.now()):
        if await console.store.handoff(hid) is not None:
            return json_error(409, CLOSED)
        return json_error(404, "no such handoff")
    await console.store.audit(API, "handoff_reply", console.clock.now(), {"handoff": hid})
    return web.json_response({"id": hid, "replied": True})


@ROUTES.post("/admin/handoffs/{hid}/close")
@guarded
async def close(console: Console, request: web.Request) -> web.StreamResponse:
    hid = number(request, "hid")
    if not await close_and_ask(console, hid, API):
        return json_error(404, "no such open handoff")
    await console.store.audit(API, "handoff_close", console.clock.now(), {"handoff": hid})
    return web.json_response({"id": hid, "closed": True})
