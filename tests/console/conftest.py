"""The console on a fresh store with a fake clock, served by aiohttp's test server, with an
admin "ana" and an agent "budi"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.console import site
from bot.console.api import api_routes, mount_api
from bot.console.app import Console, mount
from bot.console.auth import hash_password
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.storage.store import SqlStore
from tests.console.helpers import PASSWORD, Client

TOKEN = "console-api-token-for-tests-0123456789"


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
async def console(
    store: SqlStore, program: Program, clock: FakeClock, password_hash: str
) -> AsyncIterator[Console]:
    await store.add_operator("ana", "admin", password_hash, clock.now())
    await store.add_operator("budi", "agent", password_hash, clock.now())
    built = Console(store, program, clock, secure_cookies=False, rates={"test": 50.0})
    async with built.running():
        yield built


@pytest.fixture
async def client(console: Console) -> AsyncIterator[Client]:
    app = web.Application()
    app.add_routes([*site.routes(), *api_routes(SecretStr(TOKEN))])
    mount(app, console)
    mount_api(app, SecretStr(TOKEN))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client
