"""PostgreSQL for tests: 127.0.0.1:5432 (user postgres, trust, database `test`), one schema
per store, dropped afterwards. Skipped with a message where none is reachable and CI is unset;
under CI (`.ci/run` sets CI=1 and starts it) a missing server is an error."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

import psycopg
import pytest

from bot.storage.postgres import PostgresStore

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


@cache
def pg_unreachable() -> str | None:
    """Why PostgreSQL cannot be used (None: it can)."""
    try:
        with psycopg.connect(PG_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None


def require_pg() -> None:
    """Skips (or, under CI, fails) the test when PostgreSQL is not reachable."""
    reason = pg_unreachable()
    if reason is None:
        return
    message = f"PostgreSQL not reachable at {PG_URL} ({reason})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run the PostgreSQL tests")
    pytest.skip(f"{message}; set CI=1 to make this an error")


@asynccontextmanager
async def pg_schema() -> AsyncIterator[str]:
    """A fresh, empty schema, dropped (with everything in it) afterwards."""
    require_pg()
    name = f"t_{os.getpid()}_{secrets.token_hex(4)}"
    async with await psycopg.AsyncConnection.connect(PG_URL, autocommit=True) as conn:
        await conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield name
    finally:
        async with await psycopg.AsyncConnection.connect(PG_URL, autocommit=True) as conn:
            await conn.execute(f"DROP SCHEMA {name} CASCADE")


def schema_url(schema: str) -> str:
    """A DATABASE_URL that opens `schema` (libpq's options parameter sets search_path)."""
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


async def pg_store(schema: str, *, max_size: int = 10) -> PostgresStore:
    return await PostgresStore.connect(PG_URL, schema=schema, min_size=1, max_size=max_size)
