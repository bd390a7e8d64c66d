"""The PostgreSQL store: the SQL store (bot/storage/store.py) over a psycopg pool.

Every statement the mixins write runs on both databases (bot/storage/pg.py runs them here);
what differs is here: how the store opens and migrates, the memory of progress rows (exact
within one transaction only), and the advisory locks several instances need (participants'
messages in order, leaderships).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import psycopg

from bot.core.domain import Participant
from bot.storage.migrations import migrations
from bot.storage.pg import PgDatabase, literal
from bot.storage.store import SqlStore

log = logging.getLogger(__name__)

MIGRATION_LOCK = 7_215_001  # advisory lock key: one instance migrates at a time
# Two-key advisory locks (a key space apart from the one-key MIGRATION_LOCK): (kind, hash).
PARTICIPANT_LOCKS = 1
LEADERSHIPS = 2


class PostgresStore(SqlStore):
    """The SQL store on PostgreSQL, shared by any number of instances."""

    db: PgDatabase

    def __init__(self, pg: PgDatabase) -> None:
        super().__init__(pg)
        # Each message handled holds a pooled connection (its transaction); two are always left
        # for the delivery worker, the heartbeat and the group commit.
        self._lock_slots = asyncio.Semaphore(max(1, pg.pool.max_size - 2))
        self._leaders: dict[str, psycopg.AsyncConnection[Any]] = {}
        # participant id -> (transaction, progress rows read or written in it); see below
        self._unit_progress: dict[int, tuple[int, dict[str, datetime]]] = {}

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        schema: str | None = None,
        min_size: int = 2,
        max_size: int = 10,
        migrate: bool = True,
    ) -> PostgresStore:
        """Opens a pool on `url` (in `schema`, if given: tests use one schema per run)."""
        options = f"-c search_path={schema}" if schema else ""
        pg = await PgDatabase.connect(url, min_size=min_size, max_size=max_size, options=options)
        store = cls(pg)
        if migrate:
            try:
                await store.migrate()
            except BaseException:
                await pg.close()
                raise
        return store

    async def schema_version(self) -> int:
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        row = await self.db.fetchone("SELECT MAX(version) FROM schema_version")
        return int(row[0]) if row and row[0] is not None else 0

    async def migrate(self) -> None:
        """Applies every migration not recorded in `schema_version` (one row per version, see
        bot/storage/migrations/__init__.py), each in its own transaction, under an advisory
        lock so instances starting together do not race."""
        await self.schema_version()
        lock = f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"
        for version, name, sql in migrations("postgres"):
            async with self.db.transaction(opening=lock):
                done = "SELECT 1 FROM schema_version WHERE version = ?"
                if await self.db.fetchone(done, (version,)) is not None:
                    continue
                log.info("applying migration %s", name)
                await self.db.script(sql)
                await self.db.execute(
                    "INSERT INTO schema_version (version) VALUES (?)", (version,)
                )

    async def checkpoint(self) -> None:
        """Nothing to do: PostgreSQL's WAL is the server's (deleted rows leave it as it
        recycles); SQLite's `PRAGMA wal_checkpoint` is a syntax error here."""

    async def close(self) -> None:
        for name in list(self._leaders):
            await self.release_lead(name)
        await self.db.close()

    # Progress rows: other instances change them, so a process-wide memory of them (as on
    # SQLite) could be stale. What was read or written in the current transaction is exact
    # (the participant's advisory lock is held), which spares rewriting unchanged progress
    # rows when a message is handled.
    def _remember_progress(self, participant: Participant) -> None:
        assert participant.id is not None
        unit = self.db.unit
        if unit:
            if len(self._unit_progress) > 10_000:
                self._unit_progress.clear()
            self._unit_progress[participant.id] = (unit, dict(participant.progress))
        else:
            self._unit_progress.pop(participant.id, None)

    def _progress_known(self, participant_id: int, nested: bool) -> dict[str, datetime] | None:
        known = self._unit_progress.get(participant_id)
        unit = self.db.unit
        return known[1] if known is not None and unit and known[0] == unit else None

    def _forget_progress(self, participant_id: int) -> None:
        self._unit_progress.pop(participant_id, None)

    # several instances --------------------------------------------------------------------

    @asynccontextmanager
    async def participant_lock(self, channel: str, user_id: str) -> AsyncIterator[None]:
        """One participant's messages strictly in order across every instance: the message
        is handled in one transaction that first takes a transaction-level advisory lock on
        the participant (released by COMMIT or ROLLBACK, or by PostgreSQL if the instance
        dies). Every statement of the handling runs in it, so it commits as a whole; if a
        part failed (and the engine answered with an apology) nothing of it is kept. The
        in-process lock comes first, so one instance queues in memory, not on connections."""
        lock = (
            f"SELECT pg_advisory_xact_lock({PARTICIPANT_LOCKS},"
            f" hashtext({literal(f'{channel}:{user_id}')}))"
        )
        async with (
            self._participant_locks.hold((channel, user_id)),
            self._lock_slots,
            self.db.transaction(opening=lock),  # BEGIN and the lock: one trip
        ):
            yield

    async def try_lead(self, name: str) -> bool:
        """Takes the leadership `name` if no instance holds it: a session advisory lock on a
        connection of its own, held until `release_lead` or until that connection drops (the
        instance died: PostgreSQL frees the lock and another instance takes over)."""
        if name in self._leaders:
            return False
        conn = await self.db.dedicated()
        try:
            cursor = await conn.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(current_schema() || ':' || %s))",
                (LEADERSHIPS, name),
            )
            row = await cursor.fetchone()
        except BaseException:
            await conn.close()
            raise
        if row is None or not row[0]:
            await conn.close()
            return False
        self._leaders[name] = conn
        return True

    async def still_leading(self, name: str) -> bool:
        """Whether the leadership's connection (and so its lock) is still alive."""
        conn = self._leaders.get(name)
        if conn is None:
            return False
        try:
            await asyncio.wait_for(conn.execute("SELECT 1"), timeout=5.0)
        except (psycopg.Error, TimeoutError):
            log.warning("leadership %s lost (its connection failed)", name)
            await self.release_lead(name)
            return False
        return True

    async def release_lead(self, name: str) -> None:
        conn = self._leaders.pop(name, None)
        if conn is not None:
            await conn.close()  # the session ends: its advisory lock goes with it
