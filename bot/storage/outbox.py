"""The outbox rows (SQL): what the bot will send on its own initiative.

A row is `pending` until a delivery run claims it (`sending`, with a lease); then `sent`,
`failed` or back to `pending` (retry). A `sending` row whose lease has expired belongs to a
process that died: it is claimable again, so nothing claimed is ever lost.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.storage.sql_base import SqlBase, from_ts, ts

# The due-row search: a range scan of the partial index `outbox_due` (pending/sending rows
# only, in due order), so its cost follows the number of due rows, not the table's size. A
# `sending` row is due again when its lease expired, or at once when the instance run that
# claimed it (`claimed_by`, see bot/storage/instances.py) no longer beats its heartbeat.
_DUE = (
    " WHERE state IN ('pending', 'sending') AND due_at <= ?"
    " AND (state = 'pending' OR lease_until <= ?"
    "  OR (claimed_by IS NOT NULL"
    "   AND claimed_by NOT IN (SELECT token FROM instances WHERE heartbeat_at >= ?)))"
    " AND {channels} ORDER BY due_at LIMIT ?"
)
# The dialect names the index on SQLite, and on PostgreSQL skips the rows another instance is
# claiming right now instead of waiting for them.
CLAIM_SELECT = "SELECT id FROM outbox{indexed}" + _DUE + "{skip_locked}"
HEARTBEAT_STALE = timedelta(seconds=15)  # an instance silent this long is taken for dead


def _utc(moment: datetime) -> str:
    text = ts(moment.astimezone(UTC))
    assert text is not None
    return text


@dataclass(frozen=True)
class OutboxRow:
    """One claimed row, as the delivery worker sees it."""

    id: int
    participant_id: int
    channel: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]
    key: str
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """What to record for one row after an attempt (written in batches)."""

    row_id: int
    state: str  # 'sent', 'failed', 'cancelled' or 'pending' (retry)
    error: str | None = None
    due_at: datetime | None = None  # the new due time of a retry
    count_attempt: bool = True
    message_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindCount:
    kind: str
    state: str
    count: int


class OutboxMixin(SqlBase):
    """Outbox operations of the SQL store (either database)."""

    async def enqueue(
        self,
        participant_id: int,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        key: str,
        *,
        now: datetime,
    ) -> bool:
        """Adds a pending row; False (and nothing changed) if `key` was already used."""
        async with self.transaction():
            changed = await self.db.execute(
                "INSERT INTO outbox (participant_id, channel, kind, due_at, payload,"
                " idempotency_key, created_at)"
                " SELECT id, channel, ?, ?, ?, ?, ? FROM participants WHERE id = ?"
                " ON CONFLICT (idempotency_key) DO NOTHING",
                (kind, _utc(due_at), json.dumps(payload), key, _utc(now), participant_id),
            )
            added = changed == 1
        return added

    async def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        channels: Collection[str],
        limit: int,
    ) -> list[OutboxRow]:
        """Marks up to `limit` due rows of these channels `sending` until `lease_until`.

        Due means pending with `due_at <= now`, or sending with an expired lease (its process
        died). One statement, so two processes never claim the same row.
        """
        if not channels or limit <= 0:
            return []
        stamp = _utc(now)
        in_channels, wanted = self._in_list("channel", channels)
        async with self.transaction():
            rows = await self.db.fetchall(
                "UPDATE outbox SET state = 'sending', lease_until = ?, claimed_by = ?"
                f" WHERE id IN ({self._claim_select(in_channels)})"
                " RETURNING id, participant_id, channel, kind, due_at, payload,"
                " idempotency_key, attempts",
                (
                    _utc(lease_until),
                    self.instance_token,
                    stamp,
                    stamp,
                    _utc(now - HEARTBEAT_STALE),
                    wanted,
                    limit,
                ),
            )
        claimed = [
            OutboxRow(
                id=r["id"],
                participant_id=r["participant_id"],
                channel=r["channel"],
                kind=r["kind"],
                due_at=datetime.fromisoformat(r["due_at"]),
                payload=json.loads(r["payload"]),
                key=r["idempotency_key"],
                attempts=r["attempts"],
            )
            for r in rows
        ]
        claimed.sort(key=lambda row: (row.due_at, row.id))
        return claimed

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        """Writes many attempts' results in one transaction (only rows still `sending`)."""
        if not outcomes:
            return
        # One trip to SQLite's thread (BEGIN IMMEDIATE, the updates, COMMIT): each trip waits
        # for the event loop, and every answer received meanwhile is one a kill would repeat.
        await self.db.executemany_committed(
            "UPDATE outbox SET state = ?, last_error = ?, lease_until = NULL,"
            " attempts = attempts + ?, due_at = COALESCE(?, due_at),"
            " sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END,"
            " message_ids = COALESCE(?, message_ids)"
            " WHERE id = ? AND state = 'sending'",
            [
                (
                    o.state,
                    o.error,
                    1 if o.count_attempt else 0,
                    _utc(o.due_at) if o.due_at else None,
                    o.state,
                    _utc(now),
                    ",".join(o.message_ids) or None,
                    o.row_id,
                )
                for o in outcomes
            ],
        )

    async def cancel_pending(
        self, participant_id: int, kind_prefix: str = "", reason: str = "cancelled"
    ) -> int:
        """Cancels the participant's pending rows whose kind starts with `kind_prefix`."""
        async with self.transaction():
            changed = await self.db.execute(
                "UPDATE outbox SET state = 'cancelled', last_error = ?"
                " WHERE participant_id = ? AND state = 'pending' AND kind LIKE ? || '%'",
                (reason, participant_id, kind_prefix),
            )
        return changed

    async def clear_unsent(self, participant_id: int, kind_prefix: str) -> None:
        """Deletes pending and cancelled rows of a kind so they can be planned afresh."""
        async with self.transaction():
            await self.db.execute(
                "DELETE FROM outbox WHERE participant_id = ? AND state IN ('pending', 'cancelled')"
                " AND kind LIKE ? || '%'",
                (participant_id, kind_prefix),
            )

    async def replace_pending(
        self,
        participant_id: int,
        kind_prefix: str,
        rows: Iterable[tuple[str, datetime, dict[str, Any], str]],
        now: datetime,
    ) -> int:
        """Replaces the participant's unsent rows of a kind by `rows` (kind, due, payload, key)
        in one transaction; a key already sent (or failed) is not planned again. Returns how
        many rows were added."""
        added = 0
        async with self.transaction():
            await self.clear_unsent(participant_id, kind_prefix)
            for kind, due_at, payload, key in rows:
                added += await self.enqueue(participant_id, kind, due_at, payload, key, now=now)
        return added

    async def mark_unreachable(self, participant_id: int) -> None:
        """Flags the participant unreachable and cancels all their pending rows."""
        async with self.transaction():
            await self.db.execute(
                "UPDATE participants SET unreachable = 1 WHERE id = ?", (participant_id,)
            )
            await self.db.execute(
                "UPDATE outbox SET state = 'cancelled', last_error = 'unreachable'"
                " WHERE participant_id = ? AND state = 'pending'",
                (participant_id,),
            )

    async def upcoming(
        self, participant_id: int, kind_prefix: str, now: datetime
    ) -> list[tuple[str, datetime, dict[str, Any]]]:
        """The participant's pending rows of a kind still to come: (kind, due, payload)."""
        return [
            (r["kind"], datetime.fromisoformat(r["due_at"]), json.loads(r["payload"]))
            for r in await self.db.fetchall(
                "SELECT kind, due_at, payload FROM outbox WHERE participant_id = ?"
                " AND state = 'pending' AND kind LIKE ? || '%' AND due_at > ? ORDER BY due_at",
                (participant_id, kind_prefix, _utc(now)),
            )
        ]

    async def outbox_counts(self) -> list[KindCount]:
        """How many rows per kind and state."""
        return [
            KindCount(r["kind"], r["state"], r["n"])
            for r in await self.db.fetchall(
                "SELECT kind, state, COUNT(*) AS n FROM outbox GROUP BY kind, state ORDER BY kind"
            )
        ]

    async def next_due(self) -> datetime | None:
        """The earliest due time of a pending row."""
        row = await self.db.fetchone(
            "SELECT MIN(due_at) FROM outbox WHERE state IN ('pending', 'sending')"
        )
        return from_ts(row[0]) if row else None

    async def missing_reminder_plans(
        self, now: datetime, kind: str, rule: str, after_id: int = 0, span: int = 5000
    ) -> tuple[list[int], int | None]:
        """Participants with ids in (after_id, after_id + span] who should have reminders
        planned but have no marker row (key `kind:id:rule:deadline`) for their current deadline:
        the process died between saving them and planning. Also returns where to go on from
        (None at the end), so each statement stays short on a big table."""
        row = await self.db.fetchone("SELECT MAX(id) FROM participants")
        last = int(row[0]) if row and row[0] is not None else 0
        if after_id >= last:
            return [], None
        return [
            r[0]
            for r in await self.db.fetchall(
                "SELECT p.id FROM participants p WHERE p.id > ? AND p.id <= ?"
                " AND p.deadline_utc > ? AND p.reminders_enabled = 1 AND p.unreachable = 0"
                " AND NOT EXISTS (SELECT 1 FROM progress g WHERE g.participant_id = p.id"
                "   AND g.item = 'purchase')"
                " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.idempotency_key ="
                "   ? || ':' || p.id || ':' || ? || ':' || p.deadline_utc)"
                " ORDER BY p.id",
                (after_id, after_id + span, _utc(now), kind, rule),
            )
        ], after_id + span

    def _claim_select(self, in_channels: str) -> str:
        dialect = self.db.dialect
        return CLAIM_SELECT.format(
            indexed=dialect.indexed_by("outbox_due"),
            channels=in_channels,
            skip_locked=dialect.skip_locked,
        )

    async def explain_claim(self, now: datetime, channels: Collection[str]) -> list[str]:
        """The query plan of the due-row search (for the benchmark and the tests)."""
        in_channels, wanted = self._in_list("channel", channels)
        stamp = _utc(now)
        params = (stamp, stamp, _utc(now - HEARTBEAT_STALE), wanted, 100)
        dialect = self.db.dialect
        rows = await self.db.fetchall(
            f"{dialect.explain} {self._claim_select(in_channels)}", params
        )
        return [dialect.plan_line(r) for r in rows]
