"""The benefit tracker's rules, without text or SQL: items of a scheme, statuses, eligibility,
the one next thing to do or wait for, and which changes are pushed to the participant.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core.benefits import FINISHED, PREREQUISITES, Item, Push, Status
from bot.core.program import Program, Scheme


def item_specs(scheme: Scheme) -> list[Item]:
    """The scheme's items in their first state: the training fund waits, the rest lacks
    prerequisites. Keys are the benefit's key, plus ".N" where it is paid several times."""
    items = []
    for benefit in scheme.benefits:
        for index in range(1, benefit.count + 1):
            key = benefit.key if benefit.count == 1 else f"{benefit.key}.{index}"
            first = Status.WAITING if benefit.kind == "training_fund" else Status.NOT_ELIGIBLE
            items.append(Item(key, benefit.kind, index, benefit.amount, first))
    return items


def add_working_days(day: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `day`."""
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def eligible_since(progress: Mapping[str, datetime]) -> datetime | None:
    """When the last prerequisite was reported (whatever the order), or None if one is missing.
    Only the first training counts: progress keeps the first purchase, a second changes nothing."""
    if not all(item in progress for item in PREREQUISITES):
        return None
    return max(progress[item] for item in PREREQUISITES)


def reconcile(items: list[Item], progress: Mapping[str, datetime], zone: ZoneInfo) -> list[Item]:
    """The changes the participant's own reports cause (never undoing an operator's status)."""
    changes = []
    eligible = eligible_since(progress) is not None
    any_paid = any(i.kind == "incentive" and i.status == Status.PAID for i in items)
    for item in items:
        if item.kind == "training_fund" and "purchase" in progress:
            if item.status == Status.WAITING:
                bought = progress["purchase"].astimezone(zone).date()
                changes.append(replace(item, status=Status.PAID, status_on=bought))
        elif item.status != Status.NOT_ELIGIBLE:
            continue
        elif (item.kind == "incentive" and eligible) or (item.kind == "survey" and any_paid):
            changes.append(replace(item, status=Status.WAITING))
    return changes


class Next(StrEnum):
    """The one thing the participant should do or wait for."""

    FIX_FAILED = "fix_failed"
    MILESTONE = "milestone"
    WAIT_CERTIFICATE = "wait_certificate"
    WAIT_SCHEDULE = "wait_schedule"
    WAIT_TRANSFER = "wait_transfer"
    DO_SURVEY = "do_survey"
    WAIT_SURVEY_PAYMENT = "wait_survey_payment"
    DONE = "done"


@dataclass(frozen=True)
class NextStep:
    what: Next
    item: Item | None = None
    milestone: str | None = None
    by: date | None = None  # expected by (or since) this local date
    by_moment: datetime | None = None  # expected by this moment (schedule sync)
    overdue: bool = False


def next_step(
    items: list[Item], progress: Mapping[str, datetime], now: datetime, zone: ZoneInfo, p: Program
) -> NextStep:
    """The most useful next thing: a failed transfer first, then a missing prerequisite, then
    the first thing still to arrive, each with its typical timing and whether it is overdue."""
    timings, today = p.timings, now.astimezone(zone).date()
    failed = next((i for i in items if i.status == Status.FAILED), None)
    if failed is not None:
        return NextStep(Next.FIX_FAILED, item=failed)
    missing = next((m for m in PREREQUISITES if m not in progress), None)
    if missing == "certificate" and FINISHED in progress:
        finished = progress[FINISHED].astimezone(zone).date()
        by = add_working_days(finished, timings.certificate_working_days)
        return NextStep(Next.WAIT_CERTIFICATE, milestone=missing, by=by, overdue=today > by)
    if missing is not None:
        return NextStep(Next.MILESTONE, milestone=missing)
    for item in items:
        if item.kind != "incentive" or item.status == Status.PAID:
            continue
        if item.status_on is None:
            since = eligible_since(progress)
            assert since is not None
            by_moment = since + timedelta(hours=timings.schedule_sync_hours)
            return NextStep(
                Next.WAIT_SCHEDULE, item=item, by_moment=by_moment, overdue=now > by_moment
            )
        latest = add_working_days(item.status_on, timings.transfer_working_days_max)
        return NextStep(Next.WAIT_TRANSFER, item=item, by=latest, overdue=today > latest)
    for item in items:
        if item.kind != "survey" or item.status == Status.PAID:
            continue
        if item.status == Status.PROCESSING and item.status_on is not None:
            by = item.status_on + timedelta(days=timings.survey_payment_days)
            return NextStep(Next.WAIT_SURVEY_PAYMENT, item=item, by=by, overdue=today > by)
        return NextStep(Next.DO_SURVEY, item=item)
    return NextStep(Next.DONE)


def totals(items: list[Item]) -> tuple[int, int, int]:
    """(received, still to come, total) in Rupiah, of the money paid out: the training fund is
    spent on trainings, never received."""
    money = [i for i in items if i.kind != "training_fund"]
    total = sum(i.amount for i in money)
    received = sum(i.amount for i in money if i.status == Status.PAID)
    return received, total - received, total


# Pushed updates ---------------------------------------------------------------------------------

NOTICE_KIND = "incentive"
_PUSHED = (Status.WAITING, Status.PROCESSING, Status.PAID, Status.FAILED)


def pushes(
    participant_id: int, before: Item, after: Item, items: list[Item], p: Program, scheme: Scheme
) -> list[Push]:
    """The messages an operator's change earns: the new status (if it matters), and the surveys
    when the first incentive is paid. Keys depend only on the change, so re-imports send none."""
    if after.status not in _PUSHED or (after.status == Status.WAITING and not after.status_on):
        return []
    if after.kind == "training_fund":
        return []
    partner = next((x for x in p.partners if x.name == after.partner), None)
    payload = {
        "topic": "status",
        "item": after.key,
        "kind": after.kind,
        "index": after.index,
        "amount": after.amount,
        "status": after.status.value,
        "date": after.status_on.isoformat() if after.status_on else None,
        "partner": after.partner,
        "partner_kind": partner.kind if partner else None,
        "customer_service": partner.customer_service if partner else None,
        "reason": after.reason,
        "note": after.note,
    }
    key = f"incentive:{participant_id}:{after.key}:{after.status}:"
    key += after.status_on.isoformat() if after.status_on else "-"
    if after.status == Status.FAILED:  # a different failure is news too
        why = after.reason or hashlib.sha256((after.note or "").encode()).hexdigest()[:12]
        key += f":{why}"
    found = [Push(payload, key)]
    first_paid = after.kind == "incentive" and after.status == Status.PAID
    if first_paid and not any(
        i.kind == "incentive" and i.status == Status.PAID and i.key != after.key for i in items
    ):
        survey = scheme.benefit("survey")
        if survey is not None:
            deadline = scheme.survey_deadline.isoformat() if scheme.survey_deadline else None
            surveys = {
                "topic": "surveys",
                "count": survey.count,
                "amount": survey.amount,
                "deadline": deadline,
            }
            found.append(Push(surveys, f"incentive:{participant_id}:surveys"))
    return found
