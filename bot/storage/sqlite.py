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
from bot.storage.migrations import legacy_applied, migrations
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
        """Applies every migration the file has not recorded, each atomically with its record
        (bot/storage/migrations/__init__.py); `user_version` keeps the highest applied."""
        applied = await self._applied()
        highest = max(applied, default=0)
        for version, name, sql in migrations("sqlite"):
            if version in applied:
                continue
            log.info("applying migration %s", name)
            highest = max(highest, version)
            record = f"INSERT INTO schema_version (version) VALUES ({version})"
            await self.db.script(
                f"BEGIN IMMEDIATE;\n{sql}\n{record};\nPRAGMA user_version={highest};\nCOMMIT;"
            )

    async def _applied(self) -> set[int]:
        """The versions recorded in `schema_version`; for a file from before that table, the
        ones it holds (inferred from `user_version` and the objects each one creates)."""
        async with self.db.transaction():
            if await self._exists("table", "schema_version"):
                rows = await self.db.fetchall("SELECT version FROM schema_version")
                return {int(r[0]) for r in rows}
            row = await self.db.fetchone("PRAGMA user_version")
            applied = await legacy_applied(int(row[0]) if row else 0, "sqlite", self._exists)
            await self.db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            await self.db.executemany(
                "INSERT INTO schema_version (version) VALUES (?)", [(v,) for v in sorted(applied)]
            )
            return applied

    async def _exists(self, kind: str, name: str) -> bool:
        """Whether the table, index or column ("table.column") exists."""
        if kind == "column":
            table, column = name.split(".", 1)
            columns = await self.db.fetchall(f"PRAGMA table_info({table})")
            return any(str(c[1]) == column for c in columns)
        found = await self.db.fetchone(
            "SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?", (kind, name)
        )
        return found is not None

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
