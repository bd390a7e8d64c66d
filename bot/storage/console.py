"""The console's SQL: operators, their sessions and failed logins, the audit log, the funnel
and the participant list of a segment."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.segments import _ONBOARDED, Segment
from bot.storage.sql_base import SqlBase, from_ts, utc_ts


@dataclass(frozen=True)
class Operator:
    id: int
    name: str
    role: str  # 'admin' or 'agent'
    password_hash: str
    locked_until: datetime | None
    created_at: datetime
    totp_secret: str | None = None  # set once the operator has set up an authenticator
    on_shift: bool = False


@dataclass(frozen=True)
class SessionRow:
    id: str  # the hash of the cookie's token
    operator: Operator
    csrf: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    operator: str
    action: str
    participant_id: int | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class ListedParticipant:
    """One row of the participant list (no message texts)."""

    id: int
    ref_code: str
    channel: str
    wave: int | None
    scheme: str | None
    timezone: str
    phone: str | None
    deadline_utc: datetime | None
    reminders_enabled: bool
    steps: frozenset[str]


def _operator(r: Any, prefix: str = "") -> Operator:
    return Operator(
        id=r[f"{prefix}id"],
        name=r[f"{prefix}name"],
        role=r[f"{prefix}role"],
        password_hash=r[f"{prefix}password_hash"],
        locked_until=from_ts(r[f"{prefix}locked_until"]),
        created_at=datetime.fromisoformat(r[f"{prefix}created_at"]),
        totp_secret=r[f"{prefix}totp_secret"],
        on_shift=bool(r[f"{prefix}on_shift"]),
    )


class ConsoleMixin(SqlBase):
    """Operators, sessions, audit log and segment queries of the SQL store (either database)."""

    # operators -----------------------------------------------------------------------------

    async def add_operator(self, name: str, role: str, password_hash: str, now: datetime) -> bool:
        """Adds an operator; False if the name is taken."""
        async with self.transaction():
            row = await self.db.fetchone(
                "INSERT INTO operators (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO NOTHING RETURNING id",
                (name, role, password_hash, utc_ts(now)),
            )
        return row is not None

    async def operator(self, name: str) -> Operator | None:
        row = await self.db.fetchone("SELECT * FROM operators WHERE name = ?", (name,))
        return _operator(row) if row else None

    async def operators(self) -> list[Operator]:
        return [
            _operator(r) for r in await self.db.fetchall("SELECT * FROM operators ORDER BY name")
        ]

    async def remove_operator(self, name: str) -> bool:
        """Deletes the operator and their sessions; False if there is none by that name."""
        async with self.transaction():
            changed = await self.db.execute("DELETE FROM operators WHERE name = ?", (name,))
        return changed > 0

    async def set_operator_password(self, name: str, password_hash: str) -> bool:
        """New hash, sessions ended, lock lifted; False if there is no such operator."""
        async with self.transaction():
            changed = await self.db.execute(
                "UPDATE operators SET password_hash = ?, locked_until = NULL WHERE name = ?",
                (password_hash, name),
            )
            await self.db.execute(
                "DELETE FROM console_sessions WHERE operator_id IN"
                " (SELECT id FROM operators WHERE name = ?)",
                (name,),
            )
        return changed > 0

    async def record_login_failure(
        self, operator_id: int, now: datetime, since: datetime, limit: int, until: datetime
    ) -> bool:
        """Counts a failed login; locks the operator until `until` when `limit` failures
        happened since `since`. True if the account is now locked."""
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO login_failures (operator_id, at) VALUES (?, ?)",
                (operator_id, utc_ts(now)),
            )
            row = await self.db.fetchone(
                "SELECT COUNT(*) FROM login_failures WHERE operator_id = ? AND at > ?",
                (operator_id, utc_ts(since)),
            )
            locked = row is not None and int(row[0]) >= limit
            if locked:
                await self.db.execute(
                    "UPDATE operators SET locked_until = ? WHERE id = ?",
                    (utc_ts(until), operator_id),
                )
                await self.db.execute(
                    "DELETE FROM login_failures WHERE operator_id = ?", (operator_id,)
                )
        return locked

    # sessions ------------------------------------------------------------------------------

    async def create_session(
        self, session_id: str, operator_id: int, csrf: str, now: datetime, expires: datetime
    ) -> None:
        """A new session; the operator's failed logins are forgotten."""
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO console_sessions (id, operator_id, csrf, created_at, last_seen_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, operator_id, csrf, utc_ts(now), utc_ts(now), utc_ts(expires)),
            )
            await self.db.execute(
                "DELETE FROM login_failures WHERE operator_id = ?", (operator_id,)
            )
            await self.db.execute(
                "UPDATE operators SET locked_until = NULL WHERE id = ?", (operator_id,)
            )
            await self.db.execute(
                "DELETE FROM console_sessions WHERE expires_at <= ?", (utc_ts(now),)
            )

    async def session(self, session_id: str) -> SessionRow | None:
        r = await self.db.fetchone(
            "SELECT s.id AS s_id, s.csrf, s.created_at AS s_created, s.last_seen_at,"
            " s.expires_at, o.* FROM console_sessions s JOIN operators o ON o.id = s.operator_id"
            " WHERE s.id = ?",
            (session_id,),
        )
        if r is None:
            return None
        return SessionRow(
            id=r["s_id"],
            operator=_operator(r),
            csrf=r["csrf"],
            created_at=datetime.fromisoformat(r["s_created"]),
            last_seen_at=datetime.fromisoformat(r["last_seen_at"]),
            expires_at=datetime.fromisoformat(r["expires_at"]),
        )

    async def touch_session(self, session_id: str, now: datetime) -> None:
        async with self.transaction():
            await self.db.execute(
                "UPDATE console_sessions SET last_seen_at = ? WHERE id = ?",
                (utc_ts(now), session_id),
            )

    async def delete_session(self, session_id: str) -> None:
        async with self.transaction():
            await self.db.execute("DELETE FROM console_sessions WHERE id = ?", (session_id,))

    # audit log -----------------------------------------------------------------------------

    async def audit(
        self,
        operator: str,
        action: str,
        now: datetime,
        detail: dict[str, Any] | None = None,
        participant_id: int | None = None,
    ) -> None:
        """Writes who did what, when (detail: ids and counts, never message texts)."""
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO audit_log (at, operator, action, participant_id, detail)"
                " VALUES (?, ?, ?, ?, ?)",
                (utc_ts(now), operator, action, participant_id, json.dumps(detail or {})),
            )

    async def audit_entries(
        self, limit: int = 100, before_id: int | None = None
    ) -> list[AuditEntry]:
        """The newest entries first (before `before_id` to page back)."""
        return [
            AuditEntry(
                id=r["id"],
                at=datetime.fromisoformat(r["at"]),
                operator=r["operator"],
                action=r["action"],
                participant_id=r["participant_id"],
                detail=json.loads(r["detail"]),
            )
            for r in await self.db.fetchall(
                "SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?",
                (before_id if before_id is not None else 2**62, limit),
            )
        ]

    # the funnel and the participant list ----------------------------------------------------

    async def funnel(self, segment: Segment, now: datetime) -> dict[str, int]:
        """How many participants (of the segment) reached each step, plus `participants`,
        `deadline_passed_without_purchase`."""
        where, params = segment.where(now)
        stamp = utc_ts(now)
        sql = (
            f"SELECT COUNT(*) AS participants, SUM(CASE WHEN {_ONBOARDED} THEN 1 ELSE 0 END)"
            " AS onboarded FROM participants p"
        )
        found: dict[str, int] = {}
        row = await self.db.fetchone(f"{sql} WHERE {where}", params)
        found["participants"] = int(row["participants"] or 0) if row else 0
        found["onboarded"] = int(row["onboarded"] or 0) if row else 0
        if segment.empty:  # the covering index progress_item, no join
            progress_sql, progress_params = (
                "SELECT item, COUNT(*) AS n FROM progress GROUP BY item",
                [],
            )
            paid_sql = (
                "SELECT COUNT(DISTINCT participant_id) FROM benefit_items"
                " WHERE kind = 'incentive' AND status = 'paid'"
            )
        else:
            progress_sql = (
                "SELECT g.item AS item, COUNT(*) AS n FROM participants p"
                f" JOIN progress g ON g.participant_id = p.id WHERE {where} GROUP BY g.item"
            )
            progress_params = params
            paid_sql = (
                "SELECT COUNT(DISTINCT b.participant_id) FROM participants p JOIN benefit_items b"
                " ON b.participant_id = p.id AND b.kind = 'incentive' AND b.status = 'paid'"
                f" WHERE {where}"
            )
        for r in await self.db.fetchall(progress_sql, progress_params):
            found[r["item"]] = int(r["n"])
        row = await self.db.fetchone(paid_sql, params if not segment.empty else [])
        found["incentive_paid"] = int(row[0]) if row else 0
        row = await self.db.fetchone(
            f"SELECT COUNT(*) FROM participants p WHERE {where} AND p.deadline_utc <= ?"
            " AND p.id NOT IN (SELECT g.participant_id FROM progress g"
            " WHERE g.item = 'purchase')",
            [*params, stamp],
        )
        found["deadline_passed_without_purchase"] = int(row[0]) if row else 0
        return found

    async def count_segment(self, segment: Segment, now: datetime, extra: str = "") -> int:
        where, params = segment.where(now)
        row = await self.db.fetchone(
            f"SELECT COUNT(*) FROM participants p WHERE {where}{extra}", params
        )
        return int(row[0]) if row else 0

    async def list_segment(
        self, segment: Segment, now: datetime, *, after_id: int = 0, limit: int = 50
    ) -> list[ListedParticipant]:
        """A page of the segment in id order, starting after `after_id` (keyset paging)."""
        where, params = segment.where(now)
        rows = await self.db.fetchall(
            "SELECT p.id, p.ref_code, p.channel, p.wave, p.scheme, p.timezone, p.phone,"
            f" p.deadline_utc, p.reminders_enabled FROM participants p WHERE {where}"
            " AND p.id > ? ORDER BY p.id LIMIT ?",
            [*params, after_id, limit],
        )
        steps: dict[int, set[str]] = {r["id"]: set() for r in rows}
        if rows:
            marks = ", ".join("?" for _ in rows)
            for r in await self.db.fetchall(
                f"SELECT participant_id, item FROM progress WHERE participant_id IN ({marks})",
                list(steps),
            ):
                steps[r[0]].add(r[1])
        return [
            ListedParticipant(
                id=r["id"],
                ref_code=r["ref_code"],
                channel=r["channel"],
                wave=r["wave"],
                scheme=r["scheme"],
                timezone=r["timezone"],
                phone=r["phone"],
                deadline_utc=from_ts(r["deadline_utc"]),
                reminders_enabled=bool(r["reminders_enabled"]),
                steps=frozenset(steps[r["id"]]),
            )
            for r in rows
        ]

    async def iter_segment(
        self, segment: Segment, now: datetime, chunk: int = 2000
    ) -> AsyncIterator[ListedParticipant]:
        """Every participant of the segment, read in chunks (for the CSV export)."""
        after = 0
        while True:
            page = await self.list_segment(segment, now, after_id=after, limit=chunk)
            for listed in page:
                yield listed
            if len(page) < chunk:
                return
            after = page[-1].id

    async def participant_outbox(
        self, participant_id: int, limit: int = 50
    ) -> list[dict[str, Any]]:
        """The participant's outbox rows, newest first: kind, state, times (no texts)."""
        return [
            {
                "id": r["id"],
                "kind": r["kind"],
                "state": r["state"],
                "due_at": datetime.fromisoformat(r["due_at"]),
                "sent_at": from_ts(r["sent_at"]),
                "attempts": r["attempts"],
                "error": r["last_error"],
            }
            for r in await self.db.fetchall(
                "SELECT id, kind, state, due_at, sent_at, attempts, last_error FROM outbox"
                " WHERE participant_id = ? ORDER BY due_at DESC, id DESC LIMIT ?",
                (participant_id, limit),
            )
        ]

    async def explain(self, sql: str, params: list[Any]) -> list[str]:
        """The query plan's lines (for bench/console.py and the index tests)."""
        dialect = self.db.dialect
        rows = await self.db.fetchall(f"{dialect.explain} {sql}", params)
        return [dialect.plan_line(r) for r in rows]
