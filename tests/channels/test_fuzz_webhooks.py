"""Malformed input on the webhooks (issue 21 §4): every generated body and header gets a 4xx
or a 200 (a signed WhatsApp body Meta would otherwise retry forever), never a 500, and no
ERROR or traceback in the logs."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.web import build_web_app
from bot.channels.telegram.shape import problem
from bot.channels.telegram.webhook import SECRET_HEADER, webhook_routes
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.wire import same_secret
from bot.storage.store import SqlStore
from tests.channels.telegram_support import TelegramDriver
from tests.channels.whatsapp_support import Rig, signed, whatsapp_rig
from tests.fuzz import NASTY_HEADERS, bodies, raw_post, raw_status

CORPUS = Path(__file__).resolve().parent.parent / "data" / "payloads"
SECRET = "fuzz-secret"
Client = TestClient[web.Request, web.Application]


def _valid(channel: str) -> list[Any]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((CORPUS / channel).glob("*.json"))]


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.fixture
async def whatsapp(engine: Engine, store: SqlStore, clock: FakeClock) -> AsyncIterator[Rig]:
    async with whatsapp_rig(engine, store, clock) as found:
        yield found


@pytest.fixture
async def client(tg: TelegramDriver) -> AsyncIterator[Client]:
    app = build_web_app(webhook_routes(tg.application, SECRET, "/telegram"))
    await tg.application.start()
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client
    await tg.application.stop()


async def test_telegram_webhook_never_answers_500(
    client: Client, tg: TelegramDriver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    statuses = set()
    for body in bodies(_valid("telegram"), count=150):
        response = await client.post("/telegram", data=body, headers={SECRET_HEADER: SECRET})
        statuses.add(response.status)
        assert response.status < 500, body[:200]
    await tg.application.update_queue.join()
    assert 400 in statuses and 200 in statuses
    assert not _errors(caplog)


async def test_telegram_secret_header_with_any_bytes_is_refused(client: Client) -> None:
    assert client.server.port is not None
    for value in NASTY_HEADERS:
        response = await client.post("/telegram", data=b"{}", headers={SECRET_HEADER: value})
        assert response.status in (401, 403)
    for raw in (b"\xff\xfe", b"s\xc3\xa9cret", b"\xe2\x82"):
        status = await raw_status(
            "127.0.0.1",
            client.server.port,
            raw_post("/telegram", SECRET_HEADER.encode() + b": " + raw),
        )
        assert status in (400, 401, 403)


def test_same_secret_takes_any_string() -> None:
    assert same_secret("abc", "abc")
    assert not same_secret("\udcff", "abc")
    assert not same_secret("é", "e")


async def test_whatsapp_webhook_never_answers_500(
    whatsapp: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for body in bodies(_valid("whatsapp"), count=150):
        raw, headers = signed(body)
        response = await whatsapp.client.post("/whatsapp", data=raw, headers=headers)
        # signed: always acknowledged (a 4xx would make Meta retry the same body for days)
        assert response.status == 200, body[:200]
        unsigned = await whatsapp.client.post("/whatsapp", data=raw)
        assert unsigned.status == 401
    await whatsapp.service.drain()
    assert not _errors(caplog)


async def test_whatsapp_signature_header_with_any_bytes_is_refused(whatsapp: Rig) -> None:
    port = whatsapp.client.server.port
    assert port is not None
    for value in NASTY_HEADERS:
        if not value.isascii() or "\udcff" in value:
            continue  # the client library cannot send these: the raw socket below does
        response = await whatsapp.client.post(
            "/whatsapp", data=b"{}", headers={"X-Hub-Signature-256": value}
        )
        assert response.status in (401, 403)
    for raw in (b"sha256=\xff\xfe", b"sha256=\xc3\xa9", b"\x80"):
        status = await raw_status(
            "127.0.0.1", port, raw_post("/whatsapp", b"X-Hub-Signature-256: " + raw)
        )
        assert status in (400, 401, 403)


def test_every_real_payload_passes_the_shape_check() -> None:
    """The type check refuses only what the Bot API never sends: every real update of the
    corpus (callback query ids are strings, chat ids integers) passes it."""
    refused = {
        p.name: where
        for p in sorted((CORPUS / "telegram").glob("*.json"))
        if (where := problem(json.loads(p.read_text("utf-8")))) is not None
    }
    assert refused == {}
    assert (
        problem(
            {"update_id": 1, "message": {"message_id": 1, "chat": {"id": [1], "type": "private"}}}
        )
        == "update.message.chat.id"
    )
