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
from bot.storage.roles import AppStore
from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore


async def open_store(database_url: str, *, pool_size: int = 10) -> AppStore:
    """Opens (and migrates) the store named by DATABASE_URL: SQLite, or PostgreSQL (the same
    SQL over a connection pool of up to `pool_size` connections)."""
    url = parse_database_url(database_url)
    if url.kind == "postgres":
        from bot.storage.postgres import PostgresStore  # psycopg only when asked for

        return await PostgresStore.connect(
            url.target, min_size=min(2, pool_size), max_size=pool_size
        )
    return await SqliteStore.open(url.target)


async def open_reader(path: str) -> AppStore:
    """A second store on the same SQLite file, for long reads (the console's counts and
    exports) that must not queue behind the bot's writes on the store's one connection."""
    return await SqliteStore.open(path)


__all__ = [
    "AppStore",
    "DatabaseUrl",
    "SqlStore",
    "SqliteStore",
    "Store",
    "open_reader",
    "open_store",
    "parse_database_url",
]
