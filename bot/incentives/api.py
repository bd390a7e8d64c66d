"""`POST /admin/status`: the operator's status feed over HTTP (same fields as the CSV)."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.core.clock import Clock
from bot.core.program import Program
from bot.incentives.feed import (
    FeedStore,
    RowError,
    StatusUpdate,
    Summary,
    apply_update,
    parse_update,
)

log = logging.getLogger(__name__)

MAX_UPDATES = 10_000


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def _authorised(request: web.Request, token: SecretStr) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), token.get_secret_value().encode())


def _parse(body: Any, program: Program) -> list[StatusUpdate]:
    objects = body if isinstance(body, list) else [body]
    if not objects:
        raise RowError("the list is empty")
    if len(objects) > MAX_UPDATES:
        raise RowError(f"at most {MAX_UPDATES} updates per request")
    updates = []
    for number, obj in enumerate(objects):
        if not isinstance(obj, dict):
            raise RowError(f"update {number}: must be a JSON object")
        try:
            updates.append(parse_update(obj, program))
        except RowError as exc:
            raise RowError(f"update {number}: {exc}") from None
    return updates


def admin_routes(
    store: FeedStore, program: Program, clock: Clock, token: SecretStr | None
) -> list[web.RouteDef]:
    """The operator API's routes; none (so 404) when ADMIN_API_TOKEN is not set."""
    if token is None:
        return []
    secret = token

    async def post_status(request: web.Request) -> web.Response:
        """Applies one update (object) or many (list); 401 without the token, 400 if malformed."""
        if not _authorised(request, secret):
            log.warning("admin API: refused a request without a valid token")
            return _error(401, "missing or wrong bearer token")
        try:
            body = json.loads(await request.text())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return _error(400, f"body is not JSON: {exc}")
        try:
            updates = _parse(body, program)
        except RowError as exc:
            return _error(400, str(exc))
        summary = Summary()
        results = []
        for number, update in enumerate(updates):
            try:
                result = await apply_update(store, program, update, clock.now())
            except RowError as exc:
                summary.bad += 1
                summary.errors.append(f"update {number}: {exc}")
                results.append("bad")
                continue
            summary.count(result, f"update {number}")
            results.append(result.value)
        log.info("admin API: %s applied, %s unchanged", summary.applied, summary.unchanged)
        return web.json_response({**summary.as_dict(), "results": results})

    return [web.post("/admin/status", post_status)]
