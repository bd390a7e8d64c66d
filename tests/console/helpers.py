"""Participants stored directly (for segments and the funnel), and logging in over HTTP."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.core.domain import Participant, Step
from bot.storage.store import SqlStore
from tests.helpers import WIB_START

Client = TestClient[web.Request, web.Application]
PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def add_participant(store: SqlStore, user: str, **fields: Any) -> Participant:
    """A participant on the menu with a deadline 10 days after WIB_START, unless told."""
    values: dict[str, Any] = {
        "channel": "test",
        "user_id": user,
        "chat_id": user,
        "locale": "id",
        "timezone": "Asia/Jakarta",
        "ref_code": f"PK-{user.upper():0>6}"[:9],
        "created_at": WIB_START,
        "step": Step.MENU,
        "wave": 22,
        "scheme": "2021",
        "deadline_utc": WIB_START + timedelta(days=10),
    }
    values.update(fields)
    return await store.save_participant(Participant(**values))


def csrf_of(page: str) -> str:
    found = _CSRF.search(page)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def login(client: Client, name: str, password: str = PASSWORD) -> str:
    """Logs in through the form; returns the session's CSRF token (from the landing page)."""
    form = await client.get("/console/login")
    token = csrf_of(await form.text())
    response = await client.post(
        "/console/login", data={"csrf": token, "name": name, "password": password}
    )
    assert response.status == 200, await response.text()
    return csrf_of(await response.text())


def at(days: float) -> datetime:
    return WIB_START + timedelta(days=days)
