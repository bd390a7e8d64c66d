"""Malformed input on the console's JSON routes and pages (issue 21 §4): every generated body,
id and query answers 4xx (or the page), never 500, and a broadcast planned absurdly far ahead
is refused instead of waiting in "enqueueing" forever."""

from __future__ import annotations

from typing import Any

from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.console.conftest import TOKEN
from tests.console.helpers import Client, add_participant, login
from tests.fuzz import NASTY_HEADERS, bodies

AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
BROADCAST: dict[str, Any] = {"segment": {"wave": 22}, "text": "Halo", "at": "2021-11-21T10:00"}
IDS = ("1", "0", "-1", "²", "٣", "1e3", "1180591620717411303424", "9" * 400, "%00", "..")


async def test_generated_bodies_never_answer_500(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    hid = await store.open_handoff(p.id, "asked", clock.now())
    targets = {
        "/admin/broadcasts": [BROADCAST, {"segment": {}, "text": "x", "text_en": "y"}],
        f"/admin/handoffs/{hid}/reply": [{"text": "Halo"}],
    }
    for path, valid in targets.items():
        for body in bodies(valid, count=100):
            response = await client.post(path, data=body, headers=AUTH)
            assert response.status < 500, (path, body[:200])
    for value in NASTY_HEADERS:
        response = await client.get("/admin/stats", headers={"Authorization": value})
        assert response.status == 401


async def test_ids_of_any_shape_are_4xx(client: Client) -> None:
    for raw in IDS:
        for method, path in (
            ("GET", f"/admin/broadcasts/{raw}"),
            ("POST", f"/admin/handoffs/{raw}/reply"),
            ("POST", f"/admin/handoffs/{raw}/close"),
        ):
            response = await client.request(method, path, json={"text": "x"}, headers=AUTH)
            assert 400 <= response.status < 500, (path, response.status)


async def test_pages_take_any_query_or_id(client: Client) -> None:
    await login(client, "ana")
    for raw in IDS:
        for path in (
            f"/console/participants/{raw}",
            f"/console/broadcasts/{raw}",
            f"/console/unknown?days={raw}",
            f"/console/audit?before={raw}",
            f"/console/participants?after={raw}",
        ):
            response = await client.get(path, allow_redirects=False)
            assert response.status < 500, (path, response.status)


async def test_a_broadcast_a_year_away_is_refused(client: Client) -> None:
    far = {**BROADCAST, "at": "9999-12-31T23:59"}
    response = await client.post("/admin/broadcasts", json=far, headers=AUTH)
    assert response.status == 400
    assert "days ahead" in (await response.json())["error"]
