"""Real update and webhook payloads from public sources (tests/data/payloads/SOURCES.md names
each file's origin), replayed through the Telegram webhook and polling paths and the WhatsApp
webhook: never a traceback or an ERROR, always 200 for a signed or authenticated body, and a
sensible reply or none."""

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
from bot.channels.telegram.polling import TolerantBot
from bot.channels.telegram.webhook import SECRET_HEADER, webhook_routes
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.channels.telegram_support import TelegramDriver
from tests.channels.whatsapp_support import Rig, signed, whatsapp_rig

CORPUS = Path(__file__).resolve().parent.parent / "data" / "payloads"
TELEGRAM = sorted((CORPUS / "telegram").glob("*.json"))
WHATSAPP = sorted((CORPUS / "whatsapp").glob("*.json"))
SECRET = "corpus-secret"
Client = TestClient[web.Request, web.Application]


def _load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or r.exc_info
    ]


def test_the_corpus_is_there_with_its_sources() -> None:
    assert len(TELEGRAM) >= 40 and len(WHATSAPP) >= 40
    sources = (CORPUS / "SOURCES.md").read_text("utf-8")
    missing = [p.name for p in TELEGRAM + WHATSAPP if p.name not in sources]
    assert not missing, f"no source recorded for {missing}"


@pytest.fixture
async def client(tg: TelegramDriver) -> AsyncIterator[Client]:
    app = build_web_app(webhook_routes(tg.application, SECRET, "/telegram"))
    await tg.application.start()
    async with TestClient(TestServer(app)) as test_client:
        yield test_client
    await tg.application.stop()


@pytest.mark.parametrize("path", TELEGRAM, ids=[p.stem for p in TELEGRAM])
async def test_telegram_webhook_replay(
    client: Client, tg: TelegramDriver, caplog: pytest.LogCaptureFixture, path: Path
) -> None:
    caplog.set_level(logging.WARNING)
    before = len(tg.state.of("sendMessage"))
    response = await client.post("/telegram", json=_load(path), headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    await tg.application.update_queue.join()
    assert not _errors(caplog)
    for params in tg.state.of("sendMessage")[before:]:
        assert params["text"].strip() and "went wrong" not in params["text"]


@pytest.mark.parametrize("path", TELEGRAM, ids=[p.stem for p in TELEGRAM])
async def test_telegram_polling_replay(
    tg: TelegramDriver, caplog: pytest.LogCaptureFixture, path: Path
) -> None:
    caplog.set_level(logging.WARNING)
    bot = tg.application.bot
    assert isinstance(bot, TolerantBot)
    data = _load(path)
    if bot._parses(data):  # what getUpdates hands on; a shape PTB cannot parse is skipped
        sent = await tg.feed(data)
        for params in sent:
            assert params["text"].strip() and "went wrong" not in params["text"]
    else:
        assert bot._skip_below == data["update_id"] + 1
    assert not _errors(caplog)


@pytest.fixture
async def rig(engine: Engine, store: SqlStore, clock: FakeClock) -> AsyncIterator[Rig]:
    async with whatsapp_rig(engine, store, clock) as found:
        yield found


@pytest.mark.parametrize("path", WHATSAPP, ids=[p.stem for p in WHATSAPP])
async def test_whatsapp_webhook_replay(
    rig: Rig, caplog: pytest.LogCaptureFixture, path: Path
) -> None:
    caplog.set_level(logging.WARNING)
    body = _load(path)
    assert await rig.post(body) == 200
    assert await rig.post(body) == 200  # Meta's retry: processed once
    assert not _errors(caplog)
    for sent in rig.graph.messages:
        assert "went wrong" not in json.dumps(sent)
    if body.get("object") != "whatsapp_business_account":
        assert rig.graph.messages == []
    else:
        wamids = [
            m.get("id")
            for e in body.get("entry", [])
            for c in e.get("changes", [])
            for m in (c.get("value") or {}).get("messages", []) or []
        ]
        assert rig.service.duplicates <= len(wamids)


async def test_signed_body_is_200_even_unreadable(rig: Rig) -> None:
    raw, headers = signed(b"\xff\xfe not json")
    response = await rig.client.post("/whatsapp", data=raw, headers=headers)
    assert response.status == 200
