"""Broadcasts (SQL): a message to a segment, enqueued into the outbox in batches.

Its outbox rows have kind `broadcast` and keys `broadcast:<id>:<participant>`, so progress and
cancelling are range scans of the outbox's unique key index.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.storage.segments import Segment
from bot.storage.sql_base import SqlBase, from_ts, utc_ts

KIND = "broadcast"


def _keys(broadcast_id: int) -> tuple[str, str]:
    """The key range of a broadcast's rows (';' sorts right after ':')."""
    return f"{KIND}:{broadcast_id}:", f"{KIND}:{broadcast_id};"


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_by: str
    created_at: datetime
    text: str
    text_en: str | None
    segment: dict[str, Any]
    program_notice: bool
    send_at: datetime
    state: str  # 'enqueueing', 'queued' or 'cancelled'
    recipients: int
    enqueued: int
    after_id: int
    cancelled_at: datetime | None


def _broadcast(r: Any) -> Broadcast:
    return Broadcast(
        id=r["id"],
        created_by=r["created_by"],
        created_at=datetime.fromisoformat(r["created_at"]),
        text=r["text"],
        text_en=r["text_en"],
        segment=json.loads(r["segment"]),
        program_notice=bool(r["program_notice"]),
        send_at=datetime.fromisoformat(r["send_at"]),
        state=r["state"],
        recipients=r["recipients"],
        enqueued=r["enqueued"],
        after_id=r["after_id"],
        cancelled_at=from_ts(r["cancelled_at"]),
    )


def reachable(notice: bool) -> str:
    """The extra condition of a broadcast's recipients: reachable, and reminders not stopped
    unless it is a program notice."""
    return " AND p.unreachable = 0" + ("" if notice else " AND p.reminders_enabled = 1")


def outside_whatsapp_window(now: datetime) -> str:
    """The extra condition of recipients a WhatsApp template must open a conversation with
    (no message from them in the last 24 hours): what the number's daily limit counts."""
    since = utc_ts(now - timedelta(hours=24))  # our own clock's ISO stamp, not user input
    return (
        " AND p.channel = 'whatsapp'"
        f" AND (p.last_inbound_at IS NULL OR p.last_inbound_at < '{since}')"
    )


class BroadcastMixin(SqlBase):
    """Broadcast operations of the SQL store (either database)."""

    async def create_broadcast(
        self,
        created_by: str,
        text: str,
        text_en: str | None,
        segment: Segment,
        program_notice: bool,
        send_at: datetime,
        recipients: int,
        now: datetime,
        form_token: str | None = None,
    ) -> int:
        """A new broadcast's id; with a `form_token` already used, that broadcast's id
        (a form sent twice creates one broadcast)."""
        async with self.transaction():
            row = await self.db.fetchone(
                "INSERT INTO broadcasts (created_by, created_at, text, text_en, segment,"
                " program_notice, send_at, recipients, form_token)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (
                    created_by,
                    utc_ts(now),
                    text,
                    text_en,
                    json.dumps(segment.as_dict()),
                    int(program_notice),
                    utc_ts(send_at),
                    recipients,
                    form_token,
                ),
            )
        if row is None:
            row = await self.db.fetchone(
                "SELECT id FROM broadcasts WHERE form_token = ?", (form_token,)
            )
        assert row is not None
        return int(row[0])

    async def broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row else None

    async def broadcasts(self, limit: int = 50) -> list[Broadcast]:
        return [
            _broadcast(r)
            for r in await self.db.fetchall(
                "SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,)
            )
        ]

    async def enqueueing_broadcasts(self) -> list[int]:
        """Broadcasts whose rows are not all enqueued yet (resumed after a restart)."""
        return [
            r[0]
            for r in await self.db.fetchall(
                "SELECT id FROM broadcasts WHERE state = 'enqueueing' ORDER BY id"
            )
        ]

    async def broadcast_candidates(
        self, segment: Segment, notice: bool, now: datetime, after_id: int, limit: int
    ) -> list[tuple[int, str, str]]:
        """The next recipients after `after_id`: (participant id, time zone, channel)."""
        where, params = segment.where(now)
        return [
            (r[0], r[1], r[2])
            for r in await self.db.fetchall(
                "SELECT p.id, p.timezone, p.channel FROM participants p"
                f" WHERE {where}{reachable(notice)}"
                " AND p.id > ? ORDER BY p.id LIMIT ?",
                [*params, after_id, limit],
            )
        ]

    async def enqueue_broadcast_rows(
        self,
        broadcast_id: int,
        rows: Sequence[tuple[int, datetime]],
        payload: dict[str, Any],
        after_id: int,
        done: bool,
        now: datetime,
    ) -> bool:
        """Adds one batch of rows (participant, due) and moves the broadcast's cursor, in one
        transaction; False (nothing added) if the broadcast was cancelled meanwhile."""
        text = json.dumps(payload)
        async with self.transaction():
            row = await self.db.fetchone(
                "SELECT state FROM broadcasts WHERE id = ?", (broadcast_id,)
            )
            if row is None or row[0] != "enqueueing":
                return False
            await self.db.executemany(
                "INSERT INTO outbox (participant_id, channel, kind, due_at, payload,"
                " idempotency_key, created_at) SELECT id, channel, ?, ?, ?, ?, ?"
                " FROM participants WHERE id = ? ON CONFLICT (idempotency_key) DO NOTHING",
                [
                    (KIND, utc_ts(due), text, f"{KIND}:{broadcast_id}:{pid}", utc_ts(now), pid)
                    for pid, due in rows
                ],
            )
            await self.db.execute(
                "UPDATE broadcasts SET enqueued = enqueued + ?, after_id = ?,"
                " state = CASE WHEN ? = 1 THEN 'queued' ELSE state END WHERE id = ?",
                (len(rows), after_id, int(done), broadcast_id),
            )
        return True

    async def broadcast_progress(self, broadcast_id: int) -> dict[str, int]:
        """Rows per state: pending (queued), sending, sent, failed, cancelled."""
        low, high = _keys(broadcast_id)
        counts = {"pending": 0, "sending": 0, "sent": 0, "failed": 0, "cancelled": 0}
        for r in await self.db.fetchall(
            "SELECT state, COUNT(*) FROM outbox WHERE idempotency_key >= ?"
            " AND idempotency_key < ? GROUP BY state",
            (low, high),
        ):
            counts[r[0]] = int(r[1])
        return counts

    async def cancel_broadcast(self, broadcast_id: int, now: datetime) -> int | None:
        """Stops enqueueing and cancels the rows not sent yet; how many were cancelled
        (None if there is no such broadcast or it was cancelled already)."""
        low, high = _keys(broadcast_id)
        async with self.transaction():
            changed = await self.db.execute(
                "UPDATE broadcasts SET state = 'cancelled', cancelled_at = ?"
                " WHERE id = ? AND state != 'cancelled'",
                (utc_ts(now), broadcast_id),
            )
            if changed == 0:
                return None
            changed = await self.db.execute(
                "UPDATE outbox SET state = 'cancelled', last_error = 'broadcast cancelled'"
                " WHERE idempotency_key >= ? AND idempotency_key < ? AND state = 'pending'",
                (low, high),
            )
        return changed
