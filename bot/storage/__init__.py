"""The store: the only code that speaks SQL. `open_store` picks the implementation.

Owns the `Store` interface, the SQL store (one mixin per topic, bot/storage/store.py) over a
small database interface (bot/storage/database.py) with its SQLite and PostgreSQL siblings,
and the migrations.
May import: `bot.core`.
Imported by: every package above it (through the `Store` interface where it can).
"""

from __future__ import annotations

from bot.core.database_url import DatabaseUrl, parse_database_url
from bot.storage.base import Store
from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore


async def open_store(database_url: str, *, pool_size: int = 10) -> SqlStore:
    """Opens (and migrates) the store named by DATABASE_URL: SQLite, or PostgreSQL (the same
    SQL over a connection pool of up to `pool_size` connections)."""
    url = parse_database_url(database_url)
    if url.kind == "postgres":
        from bot.storage.postgres import PostgresStore  # psycopg only when asked for

        return await PostgresStore.connect(
            url.target, min_size=min(2, pool_size), max_size=pool_size
        )
    return await SqliteStore.open(url.target)


__all__ = ["DatabaseUrl", "SqlStore", "SqliteStore", "Store", "open_store", "parse_database_url"]
