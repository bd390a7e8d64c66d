"""The store: the only code that speaks SQL. `open_store` picks the implementation.

Owns the `Store` interface, its SQLite implementation (one mixin per topic) and the migrations.
May import: `bot.core`.
Imported by: every package above it (through the `Store` interface where it can).
"""

from __future__ import annotations

from bot.storage.base import Store
from bot.storage.sqlite import SqliteStore


async def open_store(database_url: str) -> Store:
    """Opens (and migrates) the store named by DATABASE_URL."""
    if database_url.startswith("sqlite:///"):
        return await SqliteStore.open(database_url.removeprefix("sqlite:///"))
    raise ValueError(f"unsupported DATABASE_URL: {database_url.split(':', 1)[0]}")


__all__ = ["SqliteStore", "Store", "open_store"]
