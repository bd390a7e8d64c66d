"""`POST /admin/status`: the operator's status feed over HTTP (same fields as the CSV)."""

from __future__ import annotations

import logging
import re
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.core.clock import Clock
from bot.core.program import Program
from bot.core.wire import BadInput, bearer_ok, parse_json
from bot.incentives.feed import (
    RowError,
    StatusUpdate,
    Summary,
    apply_update,
    check_update,
    conflicting,
    parse_update,
)
from bot.storage.base import StoreBusy
from bot.storage.retry import retry_busy
from bot.storage.roles import FeedStore

log = logging.getLogger(__name__)

MAX_UPDATES = 10_000
_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate cannot be stored as UTF-8


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def _authorised(request: web.Request, token: SecretStr) -> bool:
    return bearer_ok(request.headers.get("Authorization"), token.get_secret_value())


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
        for name, field_value in obj.items():
            if not isinstance(field_value, str | int | float | bool) and field_value is not None:
                raise RowError(f"update {number}: {name[:40]!r} must be a string or a number")
            if _SURROGATE.search(f"{name}{field_value}"):
                raise RowError(f"update {number}: {name[:40]!r} holds an invalid character")
        try:
            updates.append(parse_update(obj, program))
        except RowError as exc:
            raise RowError(f"update {number}: {exc}") from None
    clashes = conflicting([(f"update {n}", u) for n, u in enumerate(updates)])
    if clashes:
        raise RowError("; ".join(f"{where}: {error}" for where, error in clashes.items()))
    return updates


async def _check(store: FeedStore, program: Program, update: StatusUpdate, number: int) -> None:
    try:
        await retry_busy(lambda: check_update(store, program, update), what="admin status check")
    except RowError as exc:
        raise RowError(f"update {number}: {exc}") from None


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
            updates = _parse(parse_json(await request.read()), program)
        except (BadInput, RowError) as exc:
            return _error(400, str(exc))
        try:
            for number, update in enumerate(updates):
                await _check(store, program, update, number)
        except RowError as exc:
            return _error(400, f"{exc}; nothing was applied")
        except StoreBusy:
            return _error(503, "the database is busy; nothing was applied, send it again")
        # Every update was checked above: nothing is applied from a request that has a bad one.
        summary = Summary()
        results = []
        for number, update in enumerate(updates):
            try:
                result = await retry_busy(
                    lambda update=update: apply_update(store, program, update, clock.now()),  # type: ignore[misc]
                    what="admin status",
                )
            except StoreBusy:
                return _error(
                    503,
                    "the database is busy; nothing after update "
                    f"{number - 1} was applied, send the rest again",
                )
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
