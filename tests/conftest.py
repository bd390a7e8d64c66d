"""Shared fixtures: the shipped program, a fake clock, a fresh store (SQLite, or PostgreSQL
with TEST_STORE=postgres), the engine."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from bot import knowledge
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.program import Program, load_program
from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore
from handlers.router import route
from tests.helpers import WIB_START, Chat
from tests.pg import pg_schema, pg_store

# Which database the `store` fixture opens: "sqlite" (the default) or "postgres".
TEST_STORE = os.environ.get("TEST_STORE", "sqlite")


@pytest.fixture(scope="session")
def program() -> Program:
    return load_program()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(WIB_START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "prakerja.db"


Reopen = Callable[[], Awaitable[SqlStore]]


@pytest.fixture
async def reopen(db_path: Path) -> AsyncIterator[Reopen]:
    """How to open a store on this test's database (again: "another process", a restart):
    SQLite at `db_path`, or with TEST_STORE=postgres a PostgreSQL schema of its own
    (tests/pg.py), so every test using `store` runs on either database."""
    if TEST_STORE == "postgres":
        async with pg_schema() as schema:

            async def on_pg() -> SqlStore:
                return await pg_store(schema)

            yield on_pg
        return

    async def on_sqlite() -> SqlStore:
        return await SqliteStore.open(str(db_path))

    yield on_sqlite


@pytest.fixture
async def store(reopen: Reopen) -> AsyncIterator[SqlStore]:
    opened = await reopen()
    yield opened
    await opened.close()


@pytest.fixture
async def sqlite_store(db_path: Path) -> AsyncIterator[SqliteStore]:
    """For the few tests of SQLite's own behaviour (its write lock, its query plans), whatever
    TEST_STORE says."""
    opened = await SqliteStore.open(str(db_path))
    yield opened
    await opened.close()


@pytest.fixture
def engine(store: SqlStore, program: Program, clock: FakeClock) -> Engine:
    return Engine(store, program, clock, route)


@pytest.fixture
def chat(engine: Engine, clock: FakeClock) -> Chat:
    return Chat(engine, clock)


async def onboard(chat: Chat, wave: str = "22", zone: str = "WIB") -> None:
    """Takes a participant through onboarding to the menu."""
    await chat.send("/start")
    await chat.send(wave)
    await chat.press(f"tz:{zone}")


KB_FIXTURE = Path(__file__).resolve().parent / "data" / "kb"


@pytest.fixture(autouse=True, scope="session")
def _knowledge_fixture() -> Iterator[None]:
    """Free text is answered from the small test knowledge base (tests/data/kb), so the tests
    don't move with the shipped content; tests of the shipped files read them explicitly.
    The shipped entries' models are readied first (trained once per set of examples, kept in
    the same cache folder as the bot's), so every `prakerja-bot run` a test starts loads them
    instead of training while timed."""
    with contextlib.suppress(knowledge.KnowledgeBaseError):
        knowledge.prepare(load_program())
    knowledge.use(KB_FIXTURE)
    yield
    knowledge.use(None)
