"""What went out and what is kept (SQL): delivery counts per broadcast and per outbox kind
(queued, sent, delivered, read from WhatsApp's statuses, failed by reason), the privacy
notice each participant saw, the retention purge, and the overview's funnel as kept by
triggers (migration 0013)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.storage.queries import QueryBase
from bot.storage.sql_base import from_ts, utc_ts

# Meta's error codes (bot/channels/whatsapp/sender.py) and the outbox's errors, by reason.
NOT_ON_WHATSAPP = {131026}
RATE_LIMIT = {130429, 131056, 131048, 4, 80007}
# A row WhatsApp's daily limit put off (bot/outbox/delivery.py): pending, and late.
TIER_DEFERRED = "deferred: whatsapp tier"
REASONS = ("blocked", "not_on_whatsapp", "template_rejected", "rate_limit", "other")
# The filters of "past the deadline without a purchase", which the funnel's counts keep.
_TILE = frozenset({"deadline_passed", "purchased", "wave", "scheme"})
_BEST = (
    "(SELECT w.status FROM whatsapp_sent w WHERE w.outbox_id = o.id ORDER BY CASE w.status"
    " WHEN 'read' THEN 4 WHEN 'delivered' THEN 3 WHEN 'sent' THEN 2 WHEN 'accepted' THEN 1"
    " ELSE 0 END DESC LIMIT 1)"
)
_CODE = "(SELECT MAX(w.error_code) FROM whatsapp_sent w WHERE w.outbox_id = o.id)"


def reason(state: str, error: str | None, code: int | None) -> str | None:
    """Why a row did not arrive (None: it did, or it may still)."""
    text = (error or "").lower()
    if code in NOT_ON_WHATSAPP or "131026" in text:
        return "not_on_whatsapp"
    if state == "cancelled" and text == "unreachable":
        return "blocked"
    if state != "failed" and code is None:
        return None
    if (code is not None and 132000 <= code < 133000) or "whatsapp 132" in text:
        return "template_rejected"
    if code in RATE_LIMIT or "429" in text or "rate" in text:
        return "rate_limit"
    if "forbidden" in text or "blocked" in text or "deactivated" in text:
        return "blocked"
    return "other" if state == "failed" else None


@dataclass
class Delivery:
    """One broadcast's or one kind's rows by what became of them."""

    queued: int = 0
    late: int = 0  # of the queued: put off by WhatsApp's daily limit (the tier)
    sent: int = 0  # handed to the platform
    delivered: int = 0  # WhatsApp: delivered or read
    read: int = 0
    failed: int = 0
    cancelled: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def row(self) -> dict[str, int]:
        found = {
            "queued": self.queued,
            "late": self.late,
            "sent": self.sent,
            "delivered": self.delivered,
            "read": self.read,
            "failed": self.failed,
            "cancelled": self.cancelled,
        }
        found.update({f"failed_{r}": self.reasons.get(r, 0) for r in REASONS})
        return found


class ReportsMixin(QueryBase):
    """Delivery reports, consents and the retention purge."""

    async def delivery_report(
        self, *, broadcast_id: int | None = None, since: datetime | None = None
    ) -> dict[str, Delivery]:
        """Per outbox kind: one broadcast's rows with `broadcast_id`; otherwise every kind but
        broadcasts (rows created from `since` on)."""
        wheres: list[tuple[str, list[Any]]]
        if broadcast_id is not None:
            span = [f"broadcast:{broadcast_id}:", f"broadcast:{broadcast_id};"]
            wheres = [("o.idempotency_key >= ? AND o.idempotency_key < ?", span)]
        else:  # broadcasts have their own pages: the kinds below and above, each a range of
            # the kinds' index (one OR scanned every broadcast row: 1 s on 1,700,000)
            wheres = [("o.kind < 'broadcast'", []), ("o.kind > 'broadcast'", [])]
        found: dict[str, Delivery] = {}
        for where, params in wheres:
            if since is not None:
                where += " AND o.created_at >= ?"
                params = [*params, utc_ts(since)]
            for r in await self._all(
                f"SELECT o.kind, o.state, o.last_error, {_BEST} AS wa, {_CODE} AS code,"
                f" COUNT(*) FROM outbox o WHERE {where}"
                " GROUP BY o.kind, o.state, o.last_error, wa, code",
                params,
            ):
                self._count(found.setdefault(r[0], Delivery()), r[1], r[2], r[3], r[4], r[5])
        return found

    @staticmethod
    def _count(
        d: Delivery, state: str, error: str | None, wa: str | None, code: Any, n: int
    ) -> None:
        why = reason(state, error, None if code is None else int(code))
        if state in ("pending", "sending"):
            d.queued += n
            if error == TIER_DEFERRED:
                d.late += n
        elif state == "sent":
            d.sent += n
            if wa == "failed" and why:
                d.failed += n
                d.reasons[why] += n
            if wa in ("delivered", "read"):
                d.delivered += n
            if wa == "read":
                d.read += n
        elif state == "failed":
            d.failed += n
            d.reasons[why or "other"] += n
        elif state == "cancelled":
            d.cancelled += n
            if why:
                d.reasons[why] += n

    async def count_segment_upto(self, segment: Any, now: datetime, limit: int) -> int:
        """The segment's size, counted up to `limit` (+1 to tell "more"): a list page on a
        million participants never counts them all (bench/console.py). "Past the deadline
        without a purchase" (the overview's tile, of a wave and scheme or not) is read from the
        funnel's kept counts instead (70-370 ms counted up to 10,000 on 1,000,000)."""
        filters = segment.as_dict()
        tile = filters.get("deadline_passed") is True and filters.get("purchased") is False
        if tile and filters.keys() <= _TILE:
            kept = await self.kept_funnel(now, segment.wave, segment.scheme)
            return min(kept["deadline_passed_without_purchase"], limit + 1)
        where, params = segment.where(now)
        row = await self._one(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM participants p WHERE {where} LIMIT ?) AS s",
            [*params, limit + 1],
        )
        return int(row[0]) if row else 0

    # the funnel kept as it changes (migration 0013) ------------------------------------------

    async def kept_funnel(
        self, now: datetime, wave: int | None = None, scheme: str | None = None
    ) -> dict[str, int]:
        """`funnel()` of the participants of a wave and scheme (None: any), summed from the
        rows the triggers keep: a few thousand rows however many participants."""
        where = ["deadline_utc <= ?"]  # '' for every step but one
        params: list[Any] = [utc_ts(now)]
        if wave is not None:
            where.append("wave = ?")
            params.append(wave)
        if scheme is not None:
            where.append("scheme = ?")
            params.append(scheme)
        rows = await self._all(
            f"SELECT step, SUM(n) FROM funnel_counts WHERE {' AND '.join(where)} GROUP BY step",
            params,
        )
        found = {str(r[0]): int(r[1]) for r in rows if r[1]}
        found["deadline_passed_without_purchase"] = found.pop("unpurchased", 0)
        for step in ("participants", "onboarded", "incentive_paid"):
            found.setdefault(step, 0)
        return found

    async def squash_funnel(self) -> int:
        """Sums the triggers' +1/-1 rows into one row per key (the console's background task
        and the hourly housekeeping); how many rows were summed away. Only the keys with
        several rows are rewritten (a few milliseconds where all 30,000 rows of 1,000,000
        participants took 0.2 s), and only the rows this transaction sees: a writer's rows
        committed meanwhile stay for the next time (PostgreSQL)."""
        key = "wave, scheme, step, deadline_utc"
        async with self.transaction():
            gone = await self._all(
                f"DELETE FROM funnel_counts WHERE ({key}) IN (SELECT {key} FROM funnel_counts"
                f" GROUP BY {key} HAVING COUNT(*) > 1) RETURNING {key}, n"
            )
            sums: Counter[tuple[Any, ...]] = Counter()
            for r in gone:
                sums[(r[0], r[1], r[2], r[3])] += int(r[4])
            rows = [(*k, n) for k, n in sums.items() if n]
            if rows:
                await self.db.executemany(
                    f"INSERT INTO funnel_counts ({key}, n) VALUES (?, ?, ?, ?, ?)", rows
                )
        return len(gone) - len(rows)

    # consent -------------------------------------------------------------------------------

    async def record_consent(self, participant_id: int, version: str, now: datetime) -> None:
        """The privacy notice's version the participant was shown, and when (the first)."""
        async with self.transaction():
            await self._run(
                "INSERT INTO consents (participant_id, version, at) VALUES (?, ?, ?)"
                " ON CONFLICT (participant_id) DO UPDATE SET version = excluded.version,"
                " at = excluded.at WHERE consents.version != excluded.version",
                (participant_id, version, utc_ts(now)),
            )

    async def consent(self, participant_id: int) -> tuple[str, datetime] | None:
        row = await self._one(
            "SELECT version, at FROM consents WHERE participant_id = ?", (participant_id,)
        )
        at = from_ts(row[1]) if row else None
        return (str(row[0]), at) if row and at else None

    async def consent_counts(self) -> dict[str, int]:
        """Participants per privacy notice version ('' for none recorded)."""
        found = {
            str(r[0]): int(r[1])
            for r in await self._all(
                "SELECT version, COUNT(*) FROM consents GROUP BY version ORDER BY version"
            )
        }
        row = await self._one("SELECT COUNT(*) FROM participants")
        missing = (int(row[0]) if row else 0) - sum(found.values())
        return {**found, "": missing} if missing > 0 else found

    # retention -----------------------------------------------------------------------------

    async def purge_kept(self, before: datetime) -> dict[str, int]:
        """Deletes not-understood messages and closed handoffs (with their conversation and
        notes) older than `before`; how many of each."""
        async with self.transaction():
            unknown = await self._run(
                "DELETE FROM unknown_messages WHERE created_at < ?", (utc_ts(before),)
            )
            handoffs = await self._run(
                "DELETE FROM handoffs WHERE state = 'closed' AND closed_at < ?",
                (utc_ts(before),),
            )
        return {"unknown": unknown, "handoffs": handoffs}

    async def inactive_participants(self, before: datetime, limit: int = 1000) -> list[int]:
        """Participants who have written nothing since `before` (nor joined after it)."""
        return [
            int(r[0])
            for r in await self._all(
                "SELECT id FROM participants WHERE COALESCE(last_inbound_at, created_at) < ?"
                " ORDER BY id LIMIT ?",
                (utc_ts(before), limit),
            )
        ]

    async def kept_counts(self, before: datetime) -> dict[str, int]:
        """What the next purge would delete (shown in the console)."""
        found = {}
        for name, sql in (
            ("unknown", "SELECT COUNT(*) FROM unknown_messages WHERE created_at < ?"),
            (
                "handoffs",
                "SELECT COUNT(*) FROM handoffs WHERE state = 'closed' AND closed_at < ?",
            ),
        ):
            row = await self._one(sql, (utc_ts(before),))
            found[name] = int(row[0]) if row else 0
        return found
