"""The JSON routes: stats, broadcasts, handoffs; 401 without the token, clear 400s."""

from __future__ import annotations

from typing import Any

import pytest

from bot.console.app import Console
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.console.conftest import TOKEN
from tests.console.helpers import Client, add_participant, at

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def test_stats(client: Client, store: SqlStore) -> None:
    await add_participant(store, "a", progress={"purchase": at(0), "linking": at(1)})
    await add_participant(store, "b", deadline_utc=at(-1))
    response = await client.get("/admin/stats", headers=AUTH)
    body = await response.json()
    assert body["participants"] == 2 and body["onboarded"] == 2
    assert (body["purchased"], body["account_linked"], body["incentive_paid_any"]) == (1, 1, 0)
    assert body["deadline_passed_without_purchase"] == 1 and body["handoffs_open"] == 0
    assert body["by_step"]["purchase"] == 1 and body["by_step"]["onboarded"] == 2
    wrong = await client.get("/admin/stats", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401


async def test_broadcast_create_and_progress(
    client: Client, store: SqlStore, console: Console
) -> None:
    for user in ("a", "b", "c"):
        await add_participant(store, user)
    await add_participant(store, "d", progress={"purchase": at(0)})
    response = await client.post(
        "/admin/broadcasts",
        json={"segment": {"wave": 22, "purchased": False}, "text": "Halo", "text_en": "Hi"},
        headers=AUTH,
    )
    assert response.status == 201
    body = await response.json()
    assert body["recipients"] == 3
    await console.broadcasts.wait()
    progress = await (await client.get(f"/admin/broadcasts/{body['id']}", headers=AUTH)).json()
    assert (progress["state"], progress["queued"], progress["sent"]) == ("queued", 3, 0)
    assert (await client.get("/admin/broadcasts/999", headers=AUTH)).status == 404
    assert (await client.get("/admin/broadcasts/x", headers=AUTH)).status == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "body is not JSON"),
        ([1, 2], "body must be a JSON object"),
        ({"segment": {"wave": 22}}, "text is required"),
        ({"text": "Hi"}, "segment is required; use {} for every participant"),
        ({"segment": {"wave": "x"}, "text": "Hi"}, "wave: must be a whole number"),
        ({"segment": {"colour": 1}, "text": "Hi"}, "unknown filter: colour"),
        ({"segment": [], "text": "Hi"}, "segment must be a JSON object"),
        ({"segment": {}, "text": "Hi", "at": "tomorrow"}, "The time must look like"),
        (
            {"segment": {}, "text": "Hi", "at": "2020-01-01T10:00+07:00"},
            "The time has already passed.",
        ),
        ({"segment": {}, "text": "   "}, "Write the message first."),
        ({"segment": {}, "text": "x" * 4001}, "longer than 4000"),
        (
            {"segment": {}, "text": "Hi", "program_notice": "yes"},
            "program_notice must be true or false",
        ),
        ({"text": "Hi", "extra": 1}, "unknown field: extra"),
    ],
)
async def test_bad_broadcasts_are_400(client: Client, body: Any, message: str) -> None:
    if isinstance(body, str):
        response = await client.post("/admin/broadcasts", data=body, headers=AUTH)
    else:
        response = await client.post("/admin/broadcasts", json=body, headers=AUTH)
    assert response.status == 400
    assert message in (await response.json())["error"]


async def test_handoffs_list_reply_close(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    hid = await store.open_handoff(p.id, "asked for a person", clock.now())
    listed = await (await client.get("/admin/handoffs", headers=AUTH)).json()
    assert [(h["id"], h["ref"], h["channel"], h["waiting_s"]) for h in listed] == [
        (hid, p.ref_code, "test", 0)
    ]
    bad = await client.post(f"/admin/handoffs/{hid}/reply", json={"text": ""}, headers=AUTH)
    assert bad.status == 400
    ok = await client.post(f"/admin/handoffs/{hid}/reply", json={"text": "Halo"}, headers=AUTH)
    assert ok.status == 200
    assert (await client.post(f"/admin/handoffs/{hid}/close", headers=AUTH)).status == 200
    again = await client.post(f"/admin/handoffs/{hid}/close", headers=AUTH)
    assert again.status == 404
    assert await (await client.get("/admin/handoffs", headers=AUTH)).json() == []
    assert [e.action for e in await store.audit_entries()][:2] == [
        "handoff_close",
        "handoff_reply",
    ]


async def test_a_broadcast_needs_a_segment(client: Client, store: SqlStore) -> None:
    await add_participant(store, "a")
    missing = await client.post("/admin/broadcasts", json={"text": "Halo"}, headers=AUTH)
    assert missing.status == 400
    assert (await missing.json())["error"] == "segment is required; use {} for every participant"
    everyone = await client.post(
        "/admin/broadcasts", json={"segment": {}, "text": "Halo"}, headers=AUTH
    )
    assert everyone.status == 201 and (await everyone.json())["recipients"] == 1


async def test_a_boolean_filter_error_speaks_json(client: Client) -> None:
    response = await client.post(
        "/admin/broadcasts", json={"segment": {"purchased": "maybe"}, "text": "Hi"}, headers=AUTH
    )
    assert response.status == 400
    error = (await response.json())["error"]
    assert "true or false" in error and "yes or no" not in error


async def test_replying_to_a_closed_handoff_is_a_409(client: Client, store: SqlStore) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    hid = await store.open_handoff(p.id, "asked", at(0))
    assert (await client.post(f"/admin/handoffs/{hid}/close", headers=AUTH)).status == 200
    reply = await client.post(f"/admin/handoffs/{hid}/reply", json={"text": "x"}, headers=AUTH)
    assert reply.status == 409
    assert (await reply.json())["error"] == "This conversation has already been closed."
    gone = await client.post("/admin/handoffs/999/reply", json={"text": "x"}, headers=AUTH)
    assert gone.status == 404
