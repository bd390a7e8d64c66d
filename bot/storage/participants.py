"""Participants and their progress rows (SQL), on either database.

What the progress rows of a participant hold is remembered so that an unchanged progress is
not rewritten with every message; how long that memory can be trusted depends on the database
(one process on SQLite, many instances on PostgreSQL), so the stores provide it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from bot.core.domain import Participant, Step
from bot.storage.base import StoreError
from bot.storage.database import Database, Row
from bot.storage.group_commit import GroupCommit
from bot.storage.inbound import InboundMixin
from bot.storage.sql_base import from_ts, ts

_PARTICIPANT_COLUMNS = (
    "channel, user_id, chat_id, step, locale, timezone, ref_code, wave, scheme, announced_on,"
    " deadline_utc, reminders_enabled, unreachable, phone, last_inbound_at, wallet, created_at,"
    " updated_at"
)

_COLUMNS = [c.strip() for c in _PARTICIPANT_COLUMNS.split(",")]
# Fixed when the participant is created; leaving them (two of them indexed UNIQUE) out of the
# UPDATE spares SQLite two index rewrites per message (33 -> 18 us per update + commit).
_SELECT_WITH_PROGRESS = (
    "SELECT participants.*, progress.item AS progress_item, progress.done_at AS progress_done_at"
    " FROM participants LEFT JOIN progress ON progress.participant_id = participants.id WHERE "
)
_BY_USER = "participants.channel = ? AND participants.user_id = ?"
_READS_AT_ONCE = 500  # participants per group read (SQLite allows 32,766 parameters)
_IDENTITY = {"channel", "user_id", "ref_code", "created_at"}
_UPDATED = [i for i, c in enumerate(_COLUMNS) if c not in _IDENTITY]
_UPDATE_PARTICIPANT = (
    "UPDATE participants SET "
    + ", ".join(f"{_COLUMNS[i]} = ?" for i in _UPDATED)
    + " WHERE id = ?"
)


class ParticipantsMixin(InboundMixin):
    """Participants: read, saved (plain updates group-committed), deleted with every row."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        # group commit of plain participant updates (see _update_together)
        self._updates: GroupCommit[tuple[Any, ...], None] = GroupCommit(self._write_updates)
        # group read of participants by their channel's user id (see get_participant)
        self._reads: GroupCommit[tuple[str, str], Participant | None] = GroupCommit(
            self._read_participants, most=_READS_AT_ONCE
        )

    def _remember_progress(self, participant: Participant) -> None:
        """Notes what the participant's progress rows hold now (the stores decide for how
        long that can be trusted)."""

    def _progress_known(self, participant_id: int, nested: bool) -> dict[str, datetime] | None:
        """The participant's stored progress rows if this store knows them for sure."""
        return None

    def _forget_progress(self, participant_id: int) -> None:
        """Forgets what was remembered of the participant's progress."""

    async def checkpoint(self) -> None:
        """Makes deleted rows leave the database's journal too, where the database keeps one."""

    def _participant(self, row: Row, progress: dict[str, datetime]) -> Participant:
        return Participant(
            id=row["id"],
            channel=row["channel"],
            user_id=row["user_id"],
            chat_id=row["chat_id"],
            step=Step(row["step"]),
            locale=row["locale"],
            timezone=row["timezone"],
            ref_code=row["ref_code"],
            wave=row["wave"],
            scheme=row["scheme"],
            announced_on=date.fromisoformat(row["announced_on"]) if row["announced_on"] else None,
            deadline_utc=from_ts(row["deadline_utc"]),
            reminders_enabled=bool(row["reminders_enabled"]),
            unreachable=bool(row["unreachable"]),
            phone=row["phone"],
            last_inbound_at=from_ts(row["last_inbound_at"]),
            wallet=row["wallet"],
            created_at=datetime.fromisoformat(row["created_at"]),
            progress=progress,
        )

    async def _fetch_one(self, where: str, params: tuple[Any, ...]) -> Participant | None:
        """The participant and their progress in one query (one round trip to SQLite's
        thread instead of a cursor's several)."""
        return self._from_rows(list(await self.db.fetchall(_SELECT_WITH_PROGRESS + where, params)))

    def _from_rows(self, rows: Sequence[Row]) -> Participant | None:
        """A participant from the rows of `_SELECT_WITH_PROGRESS` (one per progress item)."""
        if not rows:
            return None
        progress = {
            r["progress_item"]: datetime.fromisoformat(r["progress_done_at"])
            for r in rows
            if r["progress_item"] is not None
        }
        participant = self._participant(rows[0], progress)
        self._remember_progress(participant)
        return participant

    async def get_participant(self, channel: str, user_id: str) -> Participant | None:
        """The participant of this channel's user; the reads waiting meanwhile share one
        query (inside a caller's transaction: read there and then)."""
        if self._in_transaction():
            return await self._fetch_one(_BY_USER, (channel, user_id))
        return await self._reads.submit((channel, user_id))

    async def _read_participants(
        self, keys: Sequence[tuple[str, str]]
    ) -> list[Participant | None]:
        """Group read: one query per channel for the participants asked for meanwhile (one
        trip to SQLite's thread each, where a read per update was bench/telegram_inbound.py's
        dearest part of the store); each caller gets a participant object of its own."""
        found: dict[tuple[str, str], list[Row]] = {}
        wanted: dict[str, dict[str, None]] = {}
        for channel, user_id in keys:
            wanted.setdefault(channel, {})[user_id] = None
        for channel, users in wanted.items():
            # plain marks, not self._in_list(): its JSON list cost this hot path about 0.02 ms
            # of CPU per update (bench/telegram_inbound.py); at most _READS_AT_ONCE of them
            marks = ", ".join("?" for _ in users)
            where = f"participants.channel = ? AND participants.user_id IN ({marks})"
            for row in await self.db.fetchall(_SELECT_WITH_PROGRESS + where, (channel, *users)):
                found.setdefault((row["channel"], row["user_id"]), []).append(row)
        return [self._from_rows(found.get(key, ())) for key in keys]

    async def participant_by_id(self, participant_id: int) -> Participant | None:
        return await self._fetch_one("participants.id = ?", (participant_id,))

    async def participants_by_ids(self, ids: Collection[int]) -> dict[int, Participant]:
        """Many participants at once (two queries), by id; missing ids are left out."""
        if not ids:
            return {}
        in_progress, wanted = self._in_list("participant_id", ids)
        progress: dict[int, dict[str, datetime]] = {}
        for r in await self.db.fetchall(
            f"SELECT participant_id, item, done_at FROM progress WHERE {in_progress}", (wanted,)
        ):
            progress.setdefault(r[0], {})[r[1]] = datetime.fromisoformat(r[2])
        in_ids, wanted = self._in_list("id", ids)
        return {
            r["id"]: self._participant(r, progress.get(r["id"], {}))
            for r in await self.db.fetchall(
                f"SELECT * FROM participants WHERE {in_ids}", (wanted,)
            )
        }

    def _values(self, p: Participant, now: datetime) -> tuple[Any, ...]:
        return (
            p.channel,
            p.user_id,
            p.chat_id,
            p.step.value,
            p.locale,
            p.timezone,
            p.ref_code,
            p.wave,
            p.scheme,
            p.announced_on.isoformat() if p.announced_on else None,
            ts(p.deadline_utc),
            int(p.reminders_enabled),
            int(p.unreachable),
            p.phone,
            ts(p.last_inbound_at),
            p.wallet,
            ts(p.created_at),
            ts(now),
        )

    async def save_participant(self, participant: Participant) -> Participant:
        """One transaction; the progress rows are rewritten only when they changed."""
        now = participant.last_inbound_at or participant.created_at
        values = self._values(participant, now)
        nested = self._in_transaction()
        if (
            participant.id is not None
            and not nested
            and participant.progress == self._progress_known(participant.id, nested)
        ):  # the common case, one message of a known participant: one row to update
            await self._update_together((*(values[i] for i in _UPDATED), participant.id))
            self._remember_progress(participant)
            return participant
        async with self.transaction():
            if participant.id is None:
                placeholders = ", ".join("?" for _ in values)
                inserted = await self.db.fetchone(
                    f"INSERT INTO participants ({_PARTICIPANT_COLUMNS}) VALUES ({placeholders})"
                    " RETURNING id",
                    values,
                )
                assert inserted is not None
                participant.id = int(inserted[0])
                stored: dict[str, datetime] | None = {}
            else:
                await self.db.execute(
                    _UPDATE_PARTICIPANT, (*(values[i] for i in _UPDATED), participant.id)
                )
                stored = self._progress_known(participant.id, nested)
            if participant.progress != stored:
                await self.db.execute(
                    "DELETE FROM progress WHERE participant_id = ?", (participant.id,)
                )
                if participant.progress:
                    await self.db.executemany(
                        "INSERT INTO progress (participant_id, item, done_at) VALUES (?, ?, ?)",
                        [
                            (participant.id, item, ts(at))
                            for item, at in participant.progress.items()
                        ],
                    )
        self._remember_progress(participant)
        return participant

    async def _update_together(self, row: tuple[Any, ...]) -> None:
        """Group commit: the participant UPDATEs waiting meanwhile go in one write transaction.

        Every write holds the store-wide write lock for its round trips to SQLite's thread
        (BEGIN IMMEDIATE, UPDATE, COMMIT), each waiting for the busy event loop; one by one,
        bench/telegram_inbound.py saw the lock held 60 % of the time and updates queueing
        behind it. Returns once this row is committed; raises what the transaction raised.
        """
        await self._updates.submit(row)

    async def _write_updates(self, rows: Sequence[tuple[Any, ...]]) -> list[None]:
        await self.db.executemany_committed(_UPDATE_PARTICIPANT, rows)
        return [None] * len(rows)

    async def delete_participant(self, participant_id: int) -> None:
        """Every row naming the participant (their own rows cascade; the update and message id
        rows are keyed by their platform ids), then a WAL checkpoint so the WAL file does not
        keep old copies of those rows either. Raises StoreError, rather than return, when the
        caller's transaction can no longer commit the deletion (the participant must not be
        told their data is gone)."""
        async with self.transaction():
            rows = await self.db.fetchall(
                "SELECT channel, user_id, chat_id FROM participants WHERE id = ?",
                (participant_id,),
            )
            for row in rows:
                await self._delete_inbound_rows(str(row[0]), {str(row[1]), str(row[2])})
            await self.db.execute("DELETE FROM participants WHERE id = ?", (participant_id,))
        self._forget_progress(participant_id)
        await self.checkpoint()
        if self.db.doomed:  # the caller's transaction will roll the deletion back: say so
            raise StoreError(f"deleting participant {participant_id} cannot be committed")
