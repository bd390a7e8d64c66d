"""`POST /admin/status`: right, wrong and missing tokens, malformed bodies, a JSON summary."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.config import ConfigError, load_settings
from bot.core.program import Program
from bot.incentives.api import admin_routes
from bot.storage.store import SqlStore
from tests.feed import outbox, participant
from tests.fuzz import NASTY_HEADERS, bodies, raw_post, raw_status

TOKEN = "s3cret-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def client(
    store: SqlStore, program: Program, clock: FakeClock
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application()
    app.add_routes(admin_routes(store, program, clock, SecretStr(TOKEN)))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


PAID: dict[str, Any] = {
    "phone": "+62 812-3456-7890",
    "item": "incentive.1",
    "status": "paid",
    "date": "2021-12-12",
    "partner": "dana",
}


async def test_right_token_applies_one_or_many(
    client: TestClient[web.Request, web.Application], engine: Engine, store: SqlStore
) -> None:
    ref = await participant(engine, store, "u1", "+6281234567890")
    response = await client.post("/admin/status", json=PAID, headers=AUTH)
    assert response.status == 200
    body = await response.json()
    assert (body["applied"], body["unchanged"], body["unmatched"]) == (1, 0, 0)
    many = [
        PAID,
        {"ref": ref, "item": "incentive.2", "status": "diproses"},
        {**PAID, "phone": "0811-1111-1111"},
    ]
    response = await client.post("/admin/status", json=many, headers=AUTH)
    body = await response.json()
    assert body["results"] == ["unchanged", "applied", "unmatched"]
    assert [k for _, _, k in await outbox(store)] == [
        "incentive:1:incentive.1:paid:2021-12-12",
        "incentive:1:surveys",
        "incentive:1:incentive.2:processing:-",
    ]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN}],
)
async def test_missing_or_wrong_token_is_401(
    client: TestClient[web.Request, web.Application],
    engine: Engine,
    store: SqlStore,
    headers: dict[str, str],
) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    response = await client.post("/admin/status", json=PAID, headers=headers)
    assert response.status == 401
    assert await outbox(store) == []
    assert await store.benefit_history(1) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "body is not JSON"),
        ("[]", "the list is empty"),
        ('"paid"', "update 0: must be a JSON object"),
        ('{"item": "incentive.1", "status": "paid"}', "update 0: needs a phone or a ref"),
        (
            '[{"ref": "PK-AAAAAA", "item": "survey.1", "status": "paid"}]',
            "needs a date and a partner",
        ),
        (
            '{"ref": "PK-AAAAAA", "item": "survey.1", "status": "failed"}',
            "needs a reason or a note",
        ),
        ('{"ref": 5.5, "item": "survey.1", "status": "waiting"}', "ref must be text"),
    ],
)
async def test_malformed_bodies_are_400_and_apply_nothing(
    client: TestClient[web.Request, web.Application],
    engine: Engine,
    store: SqlStore,
    body: str,
    reason: str,
) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    good_then_bad = body
    response = await client.post("/admin/status", data=good_then_bad, headers=AUTH)
    assert response.status == 400
    assert reason in (await response.json())["error"]
    assert await outbox(store) == []


async def test_a_bad_update_in_a_list_applies_none(
    client: TestClient[web.Request, web.Application], engine: Engine, store: SqlStore
) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    response = await client.post(
        "/admin/status", json=[PAID, {**PAID, "status": "lunas"}], headers=AUTH
    )
    assert (
        response.status == 400 and "update 1: unknown status" in (await response.json())["error"]
    )
    assert await store.benefit_history(1) == []


def test_no_token_no_routes(store: SqlStore, program: Program, clock: FakeClock) -> None:
    assert admin_routes(store, program, clock, None) == []


def test_admin_token_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_API_TOKEN", "short")
    with pytest.raises(ConfigError, match=r"^ADMIN_API_TOKEN: .*at least 16 characters"):
        load_settings(_env_file=None)
    monkeypatch.setenv("ADMIN_API_TOKEN", "")
    assert load_settings(_env_file=None).admin_api_token is None
    monkeypatch.setenv("ADMIN_API_TOKEN", TOKEN)
    token = load_settings(_env_file=None).admin_api_token
    assert token is not None and token.get_secret_value() == TOKEN and TOKEN not in repr(token)


@pytest.mark.parametrize(
    "second",
    [
        {**PAID, "item": "incentive.2", "note": "rusak \ud800 di sini"},
        {**PAID, "item": "incentive.2", "note": {"deep": [[[["x"]]]]}},
        {**PAID, "item": "incentive.1", "status": "failed", "reason": "inactive_account"},
    ],
    ids=["lone-surrogate", "nested-field", "conflicting-row"],
)
async def test_a_bad_update_in_a_list_applies_nothing_and_is_400(
    client: TestClient[web.Request, web.Application],
    engine: Engine,
    store: SqlStore,
    second: dict[str, Any],
) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    raw = json.dumps([PAID, second])  # ensure_ascii keeps the lone surrogate as \\ud800
    response = await client.post(
        "/admin/status", data=raw, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status == 400
    assert "update" in (await response.json())["error"]
    assert await outbox(store) == []


async def test_deep_nesting_is_400_not_500(
    client: TestClient[web.Request, web.Application],
) -> None:
    raw = "[" * 100_000 + "]" * 100_000
    response = await client.post(
        "/admin/status", data=raw, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status == 400


async def test_an_item_outside_the_participants_scheme_applies_nothing(
    client: TestClient[web.Request, web.Application], engine: Engine, store: SqlStore
) -> None:
    """Valid alone, but not in the matched participant's scheme: the whole request is 400 and
    the first, good update is not applied either (checked before anything is written)."""
    await participant(engine, store, "u1", "+6281234567890")
    response = await client.post(
        "/admin/status", json=[PAID, {**PAID, "item": "incentive.9"}], headers=AUTH
    )
    assert response.status == 400
    error = (await response.json())["error"]
    assert "update 1" in error and "nothing was applied" in error
    assert await outbox(store) == []
    assert await store.benefit_history(1) == []


async def test_generated_malformed_bodies_are_4xx_and_apply_nothing(
    client: TestClient[web.Request, web.Application], engine: Engine, store: SqlStore
) -> None:
    await participant(engine, store, "u9", "+6289999999999")  # matched by none of them
    valid = [PAID, [PAID, {**PAID, "item": "incentive.2"}], {"ref": "PK-AAAAAA", **PAID}]
    for body in bodies(valid, count=150):
        response = await client.post(
            "/admin/status", data=body, headers={**AUTH, "Content-Type": "application/json"}
        )
        assert response.status < 500, body[:200]
    for value in NASTY_HEADERS:
        response = await client.post("/admin/status", json=PAID, headers={"Authorization": value})
        assert response.status == 401
    port = client.server.port
    assert port is not None
    status = await raw_status(
        "127.0.0.1", port, raw_post("/admin/status", b"Authorization: Bearer \xff\xfe\xc3")
    )
    assert status == 401
