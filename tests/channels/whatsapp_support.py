"""Webhook payloads shaped like the examples in Meta's Cloud API webhook reference
(`object: whatsapp_business_account`, `entry[].changes[].value`), and a WhatsApp test rig."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.web import build_web_app
from bot.channels.whatsapp import WhatsAppConfig, WhatsAppSender, WhatsAppService, whatsapp_routes
from bot.channels.whatsapp.webhook import signature
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.fakes.graph_api import FakeGraphApi

WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "15550783881"
APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
TOKEN = "test-token"
BUDI = "6281234567890"  # a WhatsApp id: the phone number's digits
TIMESTAMP = "1637377200"  # 2021-11-20 10:00 WIB

_ids = itertools.count(1)


def wamid() -> str:
    return f"wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFDNB{next(_ids):012d}"


def contact(wa_id: str | None = BUDI, user_id: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"profile": {"name": "Budi"}}
    if wa_id:
        found["wa_id"] = wa_id
    if user_id:
        found["user_id"] = user_id
    return found


def value(
    *messages: dict[str, Any],
    contacts: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One change's `value`: metadata, contacts, messages and/or statuses."""
    found: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        found["contacts"] = contacts if contacts is not None else [contact()]
        found["messages"] = list(messages)
    if statuses:
        found["statuses"] = statuses
    return found


def envelope(*values: dict[str, Any]) -> dict[str, Any]:
    """A webhook body with one entry holding one change per value."""
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"value": v, "field": "messages"} for v in values]}],
    }


def message(
    kind: str, content: dict[str, Any], sender: str | None = BUDI, **extra: Any
) -> dict[str, Any]:
    found: dict[str, Any] = {"id": wamid(), "timestamp": TIMESTAMP, "type": kind, kind: content}
    if sender:
        found["from"] = sender
    found.update(extra)
    return found


def text(body: str, sender: str | None = BUDI, **extra: Any) -> dict[str, Any]:
    return message("text", {"body": body}, sender, **extra)


def button_reply(option_id: str, title: str = "Ya", sender: str = BUDI) -> dict[str, Any]:
    return message(
        "interactive",
        {"type": "button_reply", "button_reply": {"id": option_id, "title": title}},
        sender,
        context={"from": DISPLAY_NUMBER, "id": wamid()},
    )


def list_reply(option_id: str, title: str = "Pilihan", sender: str = BUDI) -> dict[str, Any]:
    return message(
        "interactive",
        {
            "type": "list_reply",
            "list_reply": {"id": option_id, "title": title, "description": title},
        },
        sender,
        context={"from": DISPLAY_NUMBER, "id": wamid()},
    )


def template_button(payload: str, label: str = "Lihat menu", sender: str = BUDI) -> dict[str, Any]:
    return message(
        "button",
        {"payload": payload, "text": label},
        sender,
        context={"from": DISPLAY_NUMBER, "id": wamid()},
    )


UNSUPPORTED: dict[str, dict[str, Any]] = {
    "image": {
        "caption": "foto",
        "mime_type": "image/jpeg",
        "sha256": "3e0f0dd1ec9c4f2b8a2c6c9b1a1c4f3ff7e1b36cbe4a3d8e1c2e7d0c7b4f0a11",
        "id": "1003383421387256",
    },
    "audio": {"mime_type": "audio/ogg; codecs=opus", "sha256": "abc", "id": "1003383421387257"},
    "sticker": {
        "mime_type": "image/webp",
        "sha256": "abc",
        "id": "1003383421387258",
        "animated": False,
    },
    "location": {"latitude": -6.2, "longitude": 106.8, "name": "Monas", "address": "Jakarta"},
    "unsupported": {},
}


def status(
    message_id: str, state: str, code: int | None = None, recipient: str = BUDI
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": message_id,
        "status": state,
        "timestamp": TIMESTAMP,
        "recipient_id": recipient,
    }
    if state in ("sent", "delivered"):
        found["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "utility"}
    if code is not None:
        found["errors"] = [
            {
                "code": code,
                "title": "Re-engagement message" if code == 131047 else "Error",
                "message": "Re-engagement message" if code == 131047 else "Error",
                "error_data": {"details": "Message failed to send."},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            }
        ]
    return found


def signed(body: dict[str, Any] | bytes, secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw, {"X-Hub-Signature-256": signature(secret, raw), "Content-Type": "application/json"}


@dataclass
class Rig:
    """A WhatsApp channel wired to the engine, a fake Graph API and a test HTTP client."""

    service: WhatsAppService
    sender: WhatsAppSender
    graph: FakeGraphApi
    client: TestClient[web.Request, web.Application]
    store: SqlStore
    clock: FakeClock

    async def post(self, body: dict[str, Any]) -> int:
        raw, headers = signed(body)
        response = await self.client.post("/whatsapp", data=raw, headers=headers)
        await self.service.drain()
        return response.status

    async def say(self, body: str, sender: str = BUDI) -> list[dict[str, Any]]:
        """Sends a text message and returns what the bot answered."""
        before = len(self.graph.messages)
        assert await self.post(envelope(value(text(body, sender)))) == 200
        return self.graph.messages[before:]

    async def press(self, option_id: str, sender: str = BUDI) -> list[dict[str, Any]]:
        before = len(self.graph.messages)
        assert await self.post(envelope(value(button_reply(option_id, sender=sender)))) == 200
        return self.graph.messages[before:]


@asynccontextmanager
async def whatsapp_rig(engine: Engine, store: SqlStore, clock: FakeClock) -> AsyncIterator[Rig]:
    async with FakeGraphApi(PHONE_NUMBER_ID, TOKEN) as graph:
        sender = WhatsAppSender(
            WhatsAppConfig(TOKEN, PHONE_NUMBER_ID, graph.base_url), store, clock
        )
        service = WhatsAppService(
            engine, store, clock, sender, app_secret=APP_SECRET, verify_token=VERIFY_TOKEN
        )
        app = build_web_app(whatsapp_routes(service))  # the server the bot runs (body limit)
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            yield Rig(service, sender, graph, client, store, clock)
        await service.close()


def option_ids(bodies: list[dict[str, Any]]) -> list[str]:
    """Every option id offered in these sent messages (buttons and list rows)."""
    found = []
    for body in bodies:
        interactive = body.get("interactive", {})
        action = interactive.get("action", {})
        found += [b["reply"]["id"] for b in action.get("buttons", [])]
        found += [r["id"] for s in action.get("sections", []) for r in s["rows"]]
    return found


def texts(bodies: list[dict[str, Any]]) -> str:
    """All the visible text of these sent messages."""
    found = []
    for body in bodies:
        if body["type"] == "text":
            found.append(body["text"]["body"])
        elif body["type"] == "interactive":
            found.append(body["interactive"]["body"]["text"])
    return "\n".join(found)
