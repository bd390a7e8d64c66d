"""The store suite runs against both stores: `store` is SQLite, then PostgreSQL (a schema of
its own per test). `reopen()` opens a second store on the same database ("another process")."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore
from tests.pg import pg_schema, pg_store

Reopen = Callable[[], Awaitable[SqlStore]]


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest, db_path: Path) -> AsyncIterator[Reopen]:
    """How to open a store on this test's database (a SQLite file, or a PostgreSQL schema)."""
    if request.param == "sqlite":

        async def open_sqlite() -> SqlStore:
            return await SqliteStore.open(str(db_path))

        yield open_sqlite
        return
    async with pg_schema() as schema:

        async def open_pg() -> SqlStore:
            return await pg_store(schema)

        yield open_pg


@pytest.fixture
async def store(backend: Reopen) -> AsyncIterator[SqlStore]:
    opened = await backend()
    yield opened
    await opened.close()


@pytest.fixture
def reopen(backend: Reopen) -> Reopen:
    return backend
