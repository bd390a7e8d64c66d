"""A segment: one set of participant filters, shared by the console's list, its CSV export,
broadcasts and the JSON API; `where()` turns it into portable SQL over `participants p`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.domain import ONBOARDING
from bot.storage.sql_base import ts

# The program's steps in funnel order: onboarded, then the progress items, then the first
# incentive paid (a benefit item).
FUNNEL = (
    "onboarded",
    "dashboard",
    "platform",
    "purchase",
    "certificate",
    "review",
    "linking",
    "incentive_paid",
)
ONBOARDING_STEPS = tuple(sorted(step.value for step in ONBOARDING))  # bot/core/domain.py
INCENTIVE_STATUSES = ("not_eligible", "waiting", "processing", "paid", "failed")

_ONBOARDED = "p.deadline_utc IS NOT NULL AND p.step NOT IN ({})".format(
    ", ".join(f"'{s}'" for s in ONBOARDING_STEPS)
)
# Positive conditions as `p.id IN (…)`: the planner can drive the search from the index of
# the subquery (progress_item, benefit_items_status) instead of scanning every participant.
_DONE = "p.id IN (SELECT g.participant_id FROM progress g WHERE g.item = ?)"
_NOT_DONE = "NOT EXISTS (SELECT 1 FROM progress g WHERE g.participant_id = p.id AND g.item = ?)"
_INCENTIVE = (
    "p.id IN (SELECT b.participant_id FROM benefit_items b WHERE b.kind = 'incentive'"
    " AND b.status = ?)"
)


@dataclass(frozen=True)
class Segment:
    """Participants matching every filter that is set (None: not filtered)."""

    query: str | None = None  # a reference code (upper case) or a phone (+62…)
    wave: int | None = None
    scheme: str | None = None
    step: str | None = None  # a FUNNEL step the participant has reached
    zone: str | None = None  # IANA zone, e.g. Asia/Makassar
    channel: str | None = None
    deadline_days: int | None = None  # deadline still to come, within this many days
    deadline_passed: bool | None = None
    purchased: bool | None = None
    incentive_status: str | None = None  # some incentive item has this status

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set (stored with a broadcast, shown in the audit log)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @property
    def empty(self) -> bool:
        return not self.as_dict()

    def where(self, now: datetime) -> tuple[str, list[Any]]:
        """The SQL condition on `participants p` and its parameters ("1 = 1" when empty)."""
        parts: list[str] = []
        params: list[Any] = []
        if self.query is not None:
            parts.append("(p.ref_code = ? OR p.phone = ?)")
            params += [self.query, self.query]
        for column, value in (
            ("wave", self.wave),
            ("scheme", self.scheme),
            ("timezone", self.zone),
            ("channel", self.channel),
        ):
            if value is not None:
                parts.append(f"p.{column} = ?")
                params.append(value)
        if self.step is not None:
            if self.step == "onboarded":
                parts.append(_ONBOARDED)
            elif self.step == "incentive_paid":
                parts.append(_INCENTIVE)
                params.append("paid")
            else:
                parts.append(_DONE)
                params.append(self.step)
        stamp = ts(now.astimezone(UTC))
        if self.deadline_days is not None:
            parts.append("p.deadline_utc > ? AND p.deadline_utc <= ?")
            params += [stamp, ts((now + timedelta(days=self.deadline_days)).astimezone(UTC))]
        if self.deadline_passed is not None:
            parts.append("p.deadline_utc <= ?" if self.deadline_passed else "p.deadline_utc > ?")
            params.append(stamp)
        if self.purchased is not None:
            parts.append(_DONE if self.purchased else _NOT_DONE)
            params.append("purchase")
        if self.incentive_status is not None:
            parts.append(_INCENTIVE)
            params.append(self.incentive_status)
        return (" AND ".join(parts) or "1 = 1"), params
