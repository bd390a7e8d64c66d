"""The connection and time helpers every SQLite mixin shares."""

from __future__ import annotations

from datetime import datetime

import aiosqlite


def ts(moment: datetime | None) -> str | None:
    """A UTC moment as stored text."""
    return None if moment is None else moment.isoformat()


def from_ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class SqliteBase:
    """Holds the connection; each topic's SQL lives in a mixin built on this."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
