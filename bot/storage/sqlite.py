"""The embedded default store: the SQL store over one SQLite file (WAL), versioned migrations,
in-process locks."""

from __future__ import annotations

import logging
import sqlite3
from collections import OrderedDict
from datetime import datetime
from pathlib import Path

from bot.core.domain import Participant
from bot.storage.base import StoreUnavailable
from bot.storage.database import SqliteDatabase
from bot.storage.migrations import migrations
from bot.storage.store import SqlStore

log = logging.getLogger(__name__)

_REMEMBERED_PROGRESS = 100_000  # participants whose progress rows are known (see below)


class SqliteStore(SqlStore):
    """The SQL store on SQLite: one process, so its locks and memories are in-process."""

    db: SqliteDatabase

    def __init__(self, db: SqliteDatabase) -> None:
        super().__init__(db)
        # participant id -> their progress rows as last read or written by this store
        self._stored_progress: OrderedDict[int, dict[str, datetime]] = OrderedDict()

    @classmethod
    async def open(cls, path: str) -> SqliteStore:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            db = await SqliteDatabase.open(path)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"DATABASE_URL: cannot open {path}: {exc}") from None
        try:
            return await cls._prepare(db)
        except sqlite3.DatabaseError as exc:
            await db.close()  # else aiosqlite's thread keeps the process alive
            raise StoreUnavailable(
                f"DATABASE_URL: {path} is not a usable SQLite database ({exc})"
            ) from None

    @classmethod
    async def _prepare(cls, db: SqliteDatabase) -> SqliteStore:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA busy_timeout=5000")
        # Deleted rows are overwritten with zeros, so /hapus leaves no phone number or user id
        # in the file's free space (see delete_participant).
        await db.execute("PRAGMA secure_delete=ON")
        store = cls(db)
        await store.migrate()
        return store

    async def migrate(self) -> None:
        """Applies every migration newer than the file's `user_version`, each atomically."""
        row = await self.db.fetchone("PRAGMA user_version")
        current = int(row[0]) if row else 0
        for version, name, sql in migrations("sqlite"):
            if version <= current:
                continue
            log.info("applying migration %s", name)
            await self.db.script(f"BEGIN;\n{sql}\nPRAGMA user_version={version};\nCOMMIT;")

    # what the progress rows hold -------------------------------------------------------------

    def _remember_progress(self, participant: Participant) -> None:
        """What the progress rows of this participant hold now (so an unchanged progress is
        not rewritten); bounded, and a forgotten participant's progress is simply rewritten.
        Inside a caller's transaction nothing is remembered (it may still roll back)."""
        assert participant.id is not None
        self._stored_progress.pop(participant.id, None)
        if self._in_transaction():
            return
        self._stored_progress[participant.id] = dict(participant.progress)
        while len(self._stored_progress) > _REMEMBERED_PROGRESS:
            self._stored_progress.popitem(last=False)

    def _progress_known(self, participant_id: int, nested: bool) -> dict[str, datetime] | None:
        return None if nested else self._stored_progress.get(participant_id)

    def _forget_progress(self, participant_id: int) -> None:
        self._stored_progress.pop(participant_id, None)

    async def checkpoint(self) -> None:
        """Copies the WAL into the database file and truncates it (best effort: a reader in
        another process can hold it back; the next checkpoint finishes the job)."""
        try:
            async with self.db.write_lock:
                rows = await self.db.fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as exc:
            log.warning("WAL checkpoint failed: %s", type(exc).__name__)
            return
        for row in rows:
            if row[0]:
                log.warning("WAL checkpoint incomplete (a reader is busy)")
