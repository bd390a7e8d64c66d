"""Plans deadline reminders into the outbox whenever a participant's deadline or settings change.

`plan()` is the pure rule (program file [reminders] + the participant's zone + quiet hours);
`ReminderPlanner` is the engine observer that writes it into the outbox, and the housekeeping
that re-plans participants whose plan was lost (the process died between saving and planning).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.domain import Participant
from bot.core.program import Program, Reminders
from bot.storage.retry import retry_busy

if TYPE_CHECKING:
    from bot.storage.roles import OutboxStore

log = logging.getLogger(__name__)

REMINDER = "reminder"  # one row per rule of the schedule
PASSED = "reminder.passed"  # the one message after the deadline passed without a purchase
KINDS = REMINDER  # the kind prefix covering both


@dataclass(frozen=True)
class Planned:
    """One reminder to enqueue: its kind, rule key, due moment (UTC) and payload."""

    kind: str
    rule: str
    due: datetime
    payload: dict[str, Any]

    def key(self, participant_id: int) -> str:
        """The idempotency key: one row per participant, rule and deadline, ever."""
        return f"{self.kind}:{participant_id}:{self.rule}:{self.payload['deadline']}"


def _quiet(moment: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def leave_quiet(moment: datetime, zone: ZoneInfo, rules: Reminders) -> datetime:
    """The moment itself, or the end of the quiet hours it falls in (local time)."""
    local = moment.astimezone(zone)
    if not _quiet(local.timetz().replace(tzinfo=None), rules.quiet_start, rules.quiet_end):
        return moment
    day = local.date()
    if rules.quiet_start > rules.quiet_end and local.time() >= rules.quiet_start:
        day += timedelta(days=1)
    return datetime.combine(day, rules.quiet_end, tzinfo=zone).astimezone(UTC)


def wants_reminders(p: Participant) -> bool:
    """Whether deadline reminders apply to the participant at all."""
    return (
        p.deadline_utc is not None
        and p.reminders_enabled
        and not p.unreachable
        and "purchase" not in p.progress
    )


def plan(participant: Participant, program: Program, now: datetime) -> list[Planned]:
    """The reminders still to come for the participant's deadline, in due order.

    A rule whose time has passed is skipped (never sent late); one in the quiet hours moves to
    their end unless that is at or after the deadline. The after-deadline message is planned
    too (moved out of the quiet hours, never skipped).
    """
    deadline = participant.deadline_utc
    if deadline is None or deadline <= now or not wants_reminders(participant):
        return []
    rules = program.reminders
    zone = ZoneInfo(participant.timezone)
    stamp = deadline.astimezone(UTC).isoformat()
    found: list[Planned] = []
    seen: set[datetime] = set()
    for rule in rules.schedule:
        if rule.at is None:
            due = deadline - rule.before
        else:
            day = (deadline.astimezone(program.deadline_zone) - rule.before).date()
            due = datetime.combine(day, rule.at, tzinfo=zone).astimezone(UTC)
        if due <= now:
            continue
        due = leave_quiet(due, zone, rules)
        if due >= deadline or due in seen:
            continue
        seen.add(due)
        stale = min(due + rules.stale_after, deadline)
        payload = {"deadline": stamp, "rule": rule.key, "stale_at": stale.isoformat()}
        found.append(Planned(REMINDER, rule.key, due, payload))
    found.sort(key=lambda p: p.due)
    passed = leave_quiet(deadline, zone, rules)
    found.append(Planned(PASSED, "passed", passed, {"deadline": stamp, "rule": "passed"}))
    return found


class ReminderPlanner:
    """Engine observer: keeps each participant's pending reminder rows in step with them."""

    def __init__(self, store: OutboxStore, program: Program, clock: Clock) -> None:
        self.store = store
        self.program = program
        self.clock = clock

    async def replan(self, participant: Participant) -> int:
        """Replaces the participant's unsent reminder rows by a fresh plan."""
        assert participant.id is not None
        now = self.clock.now()
        rows = [
            (p.kind, p.due, p.payload, p.key(participant.id))
            for p in plan(participant, self.program, now)
        ]
        added = await self.store.replace_pending(participant.id, KINDS, rows, now)
        log.info("participant %s: %d reminder rows planned", participant.id, added)
        return added

    async def participant_saved(self, before: Participant | None, after: Participant) -> None:
        """Re-plans on a new deadline, zone or reminders turned back on; cancels when reminders
        no longer apply. A busy database (a long import holding SQLite's write lock) is tried
        again with growing waits; only a failure beyond that is left to housekeeping."""
        if after.id is None:
            return
        try:
            await retry_busy(lambda: self._sync(before, after), what="reminder planning")
        except Exception:
            log.exception("planning reminders failed for participant %s", after.id)

    async def _sync(self, before: Participant | None, after: Participant) -> None:
        assert after.id is not None
        if not wants_reminders(after):
            if before is None or wants_reminders(before):
                cancelled = await self.store.cancel_pending(after.id, KINDS, "no longer applies")
                log.info("participant %s: %d reminders cancelled", after.id, cancelled)
            return
        if (
            before is None
            or not wants_reminders(before)
            or before.deadline_utc != after.deadline_utc
            or before.timezone != after.timezone
        ):
            await self.replan(after)

    async def participant_deleted(self, participant: Participant) -> None:
        # Their outbox rows went with them (ON DELETE CASCADE); nothing is left to cancel.
        log.info("participant %s deleted: reminders gone", participant.id)

    async def replan_missing(self) -> int:
        """Housekeeping: plans reminders for participants who have none for their deadline."""
        now = self.clock.now()
        after: int | None = 0
        fixed = 0
        while after is not None:
            ids, after = await self.store.missing_reminder_plans(now, PASSED, "passed", after)
            found = await self.store.participants_by_ids(ids)
            for pid in ids:
                if pid in found:
                    await self.replan(found[pid])
                    fixed += 1
        if fixed:
            log.warning("re-planned reminders for %d participants", fixed)
        return fixed
