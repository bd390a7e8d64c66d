"""The PostgreSQL store: the SQLite store's mixins and participant code over a psycopg pool.

Every statement the mixins write is portable (see bot/storage/pg.py for how it is run); what
differs is here: how the store opens and migrates, what a transaction is (one pooled
connection in BEGIN … COMMIT, many at once, no process-wide write lock), and the advisory
locks several instances need (bot/storage/locking.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from importlib import resources
from typing import Any, cast

import aiosqlite
import psycopg

from bot.core.domain import Participant
from bot.storage.base import StoreBusy
from bot.storage.pg import PgDatabase, literal
from bot.storage.sqlite import SqliteStore

log = logging.getLogger(__name__)

MIGRATION_LOCK = 7_215_001  # advisory lock key: one instance migrates at a time
# Two-key advisory locks (a key space apart from the one-key MIGRATION_LOCK): (kind, hash).
PARTICIPANT_LOCKS = 1
LEADERSHIPS = 2


def pg_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every PostgreSQL migration, in order."""
    folder = resources.files("bot.storage.migrations").joinpath("postgres")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.name, entry.read_text("utf-8")))
    return sorted(found)


class PostgresStore(SqliteStore):
    """The same Store over PostgreSQL, shared by any number of instances."""

    dialect = "postgres"

    def __init__(self, pg: PgDatabase) -> None:
        # The mixins are typed against aiosqlite's connection; PgDatabase provides the subset
        # they use (execute, executemany, execute_fetchall, rows by name and index, rowcount).
        super().__init__(cast(aiosqlite.Connection, pg))
        self.pg = pg
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
        async with self.db.execute("SELECT MAX(version) FROM schema_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    async def migrate(self) -> None:
        """Applies every migration newer than `schema_version`, each in its own transaction,
        under an advisory lock so instances starting together do not race."""
        await self.schema_version()
        for version, name, sql in pg_migrations():
            async with self.pg.transaction() as conn:
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                cursor = await conn.execute("SELECT MAX(version) FROM schema_version")
                row = await cursor.fetchone()
                current = int(row[0]) if row and row[0] is not None else 0
                if version <= current:
                    continue
                log.info("applying migration %s", name)
                await conn.execute(sql.encode())
                await conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))

    async def checkpoint(self) -> None:
        """Nothing to do: PostgreSQL's WAL is the server's (deleted rows leave it as it
        recycles); SQLite's `PRAGMA wal_checkpoint` is a syntax error here."""

    async def close(self) -> None:
        for name in list(self._leaders):
            await self.release_lead(name)
        await self.pg.close()

    def _in_transaction(self) -> bool:
        return self.pg.in_transaction

    # Progress rows: other instances change them, so a process-wide memory of them (as on
    # SQLite) could be stale. What was read or written in the current transaction is exact
    # (the participant's advisory lock is held), which spares rewriting unchanged progress
    # rows when a message is handled.
    def _remember_progress(self, participant: Participant) -> None:
        assert participant.id is not None
        unit = self.pg.unit
        if unit:
            if len(self._unit_progress) > 10_000:
                self._unit_progress.clear()
            self._unit_progress[participant.id] = (unit, dict(participant.progress))
        else:
            self._unit_progress.pop(participant.id, None)

    def _progress_known(self, participant_id: int, nested: bool) -> dict[str, datetime] | None:
        known = self._unit_progress.get(participant_id)
        unit = self.pg.unit
        return known[1] if known is not None and unit and known[0] == unit else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One transaction on one pooled connection; nested use joins the outer one. Many run
        at once (PostgreSQL locks rows, not the database)."""
        try:
            async with self.pg.transaction():
                yield
        except psycopg.errors.LockNotAvailable as exc:
            raise StoreBusy(str(exc)) from exc
        except psycopg.OperationalError as exc:
            raise StoreBusy(str(exc)) from exc

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
        async with self._participant_locks.hold((channel, user_id)), self._lock_slots:
            try:
                async with self.pg.transaction(opening=lock):  # BEGIN and the lock: one trip
                    yield
            except psycopg.OperationalError as exc:
                raise StoreBusy(str(exc)) from exc

    async def try_lead(self, name: str) -> bool:
        """Takes the leadership `name` if no instance holds it: a session advisory lock on a
        connection of its own, held until `release_lead` or until that connection drops (the
        instance died: PostgreSQL frees the lock and another instance takes over)."""
        if name in self._leaders:
            return False
        conn = await self.pg.dedicated()
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
