"""JSON routes for automation (bearer ADMIN_API_TOKEN, like POST /admin/status): stats,
broadcasts, handoffs. Bad input is a clear 400, never a 500."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.console.app import Console
from bot.console.broadcasts import BroadcastError, check_text, parse_at
from bot.console.handoffs import CLOSED, MAX_REPLY, reply_problem
from bot.console.segments import SegmentError, parse_segment
from bot.core.i18n import Translator
from bot.core.wire import BadInput, bounded_int, parse_json
from bot.incentives.api import _authorised, _error
from bot.storage.segments import FUNNEL, Segment

log = logging.getLogger(__name__)
API = "api"  # the operator name in the audit log


def api_routes(console: Console, token: SecretStr | None) -> list[web.RouteDef]:
    """The console's JSON routes; none (so 404) when ADMIN_API_TOKEN is not set."""
    if token is None:
        return []
    secret = token
    store = console.store
    t = Translator("en", "Asia/Jakarta")

    def guarded(handler: Any) -> Any:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            if not _authorised(request, secret):
                return _error(401, "missing or wrong bearer token")
            try:
                response: web.StreamResponse = await handler(request)
            except (SegmentError, BroadcastError, ValueError) as exc:
                return _error(400, str(exc))
            return response

        return wrapped

    async def body(request: web.Request) -> dict[str, Any]:
        try:
            found = parse_json(await request.read() or b"{}")
        except BadInput as exc:
            raise ValueError(str(exc)) from None
        if not isinstance(found, dict):
            raise ValueError("body must be a JSON object")
        return found

    def number(request: web.Request, name: str) -> int:
        try:
            return bounded_int(request.match_info[name])
        except ValueError:
            raise ValueError(f"{name} must be a number") from None

    async def stats(request: web.Request) -> web.StreamResponse:
        now = console.clock.now()
        counts = await console.reader.funnel(Segment(), now)
        return web.json_response(
            {
                "participants": counts["participants"],
                "onboarded": counts["onboarded"],
                "purchased": counts.get("purchase", 0),
                "deadline_passed_without_purchase": counts["deadline_passed_without_purchase"],
                "account_linked": counts.get("linking", 0),
                "incentive_paid_any": counts["incentive_paid"],
                "handoffs_open": await store.count_active_handoffs(),
                "by_step": {step: counts.get(step, 0) for step in FUNNEL},
            }
        )

    async def create_broadcast(request: web.Request) -> web.StreamResponse:
        given = await body(request)
        unknown = sorted(set(given) - {"segment", "text", "text_en", "at", "program_notice"})
        if unknown:
            raise ValueError(f"unknown field: {', '.join(unknown)}")
        if "segment" not in given:
            raise ValueError("segment is required; use {} for every participant")
        raw = given["segment"]
        if not isinstance(raw, dict):
            raise ValueError("segment must be a JSON object of filters")
        segment = parse_segment(raw, console.program, t, api=True)
        if not isinstance(given.get("text"), str):
            raise ValueError("text is required (a string)")
        text = check_text(given["text"], t)
        text_en = given.get("text_en")
        if text_en is not None:
            if not isinstance(text_en, str):
                raise ValueError("text_en must be a string")
            text_en = check_text(text_en, t) if text_en.strip() else None
        notice = given.get("program_notice", False)
        if not isinstance(notice, bool):
            raise ValueError("program_notice must be true or false")
        at_raw = given.get("at")
        if at_raw is not None and not isinstance(at_raw, str):
            raise ValueError("at must be an ISO-8601 string")
        at: datetime | None = parse_at(at_raw, t, console.clock.now())
        bid, count = await console.broadcasts.create(API, segment, text, text_en, notice, at)
        await store.audit(
            API,
            "broadcast_create",
            console.clock.now(),
            {"broadcast": bid, "recipients": count, "notice": notice},
        )
        return web.json_response({"id": bid, "recipients": count}, status=201)

    async def get_broadcast(request: web.Request) -> web.StreamResponse:
        found = await store.broadcast(number(request, "bid"))
        if found is None:
            return _error(404, "no such broadcast")
        progress = await store.broadcast_progress(found.id)
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
            }
        )

    async def handoffs(request: web.Request) -> web.StreamResponse:
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
                for h in await store.active_handoffs()
            ]
        )

    async def reply(request: web.Request) -> web.StreamResponse:
        hid = number(request, "hid")
        given = await body(request)
        text = given.get("text")
        if not isinstance(text, str):
            raise ValueError("text is required (a string)")
        if problem := reply_problem(text):
            raise ValueError(problem.format(n=MAX_REPLY))
        if not await store.reply_handoff(hid, API, text.strip(), console.clock.now()):
            if await store.handoff(hid) is not None:
                return _error(409, CLOSED)
            return _error(404, "no such handoff")
        await store.audit(API, "handoff_reply", console.clock.now(), {"handoff": hid})
        return web.json_response({"id": hid, "replied": True})

    async def close(request: web.Request) -> web.StreamResponse:
        hid = number(request, "hid")
        if not await store.close_handoff(hid, API, console.clock.now()):
            return _error(404, "no such open handoff")
        await store.audit(API, "handoff_close", console.clock.now(), {"handoff": hid})
        return web.json_response({"id": hid, "closed": True})

    return [
        web.get("/admin/stats", guarded(stats)),
        web.post("/admin/broadcasts", guarded(create_broadcast)),
        web.get("/admin/broadcasts/{bid}", guarded(get_broadcast)),
        web.get("/admin/handoffs", guarded(handoffs)),
        web.post("/admin/handoffs/{hid}/reply", guarded(reply)),
        web.post("/admin/handoffs/{hid}/close", guarded(close)),
    ]
