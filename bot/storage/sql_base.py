"""The base of every SQL mixin (the database, the transaction) and the time helpers they share."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

from bot.core.locks import KeyedLocks
from bot.storage.database import Database


def ts(moment: datetime | None) -> str | None:
    """A moment as stored text, in UTC (so stored times compare as text whatever zone the
    caller's moment was in: "midnight WIB" is 17:00 UTC the day before)."""
    if moment is None:
        return None
    return (moment.astimezone(UTC) if moment.tzinfo is not None else moment).isoformat()


def utc_ts(moment: datetime) -> str:
    """A moment as stored text, converted to UTC first."""
    return moment.astimezone(UTC).isoformat()


def from_ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class SqlBase:
    """Holds the database (bot/storage/database.py); each topic's SQL lives in a mixin built on
    this. Every write goes through `transaction()`, committed as a whole or rolled back; the
    few statements that differ between databases ask `self.db.dialect`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # what this run's outbox claims carry in `claimed_by` (set by bot/storage/instances.py)
        self.instance_token: str | None = None
        self.instance_id: str | None = None
        self._participant_locks = KeyedLocks()

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """One write transaction; nested use by the same task joins the outer one."""
        return self.db.transaction()

    def _in_transaction(self) -> bool:
        """Whether the current task is inside `transaction()`."""
        return self.db.in_transaction

    def _in_list(self, column: str, values: Collection[Any]) -> tuple[str, Any]:
        """`column IN (values)` as SQL with one parameter, and that parameter."""
        return self.db.dialect.in_list(column, values)

    def _json_flag(self, column: str, key: str) -> str:
        """SQL reading a top-level key of a JSON text column (key: a constant identifier)."""
        return self.db.dialect.json_text(column, key)
