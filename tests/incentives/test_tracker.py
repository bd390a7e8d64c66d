"""The benefit tracker's rules: items, eligibility in any milestone order, timings, pushes."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.benefits import PREREQUISITES, Item, Status
from bot.core.program import Program
from bot.incentives.tracker import (
    Next,
    add_working_days,
    eligible_since,
    item_specs,
    next_step,
    pushes,
    reconcile,
    totals,
)

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2021, 11, 1, 3, 0, tzinfo=UTC)


def _apply(items: list[Item], changes: list[Item]) -> list[Item]:
    by_key = {c.key: c for c in changes}
    return [by_key.get(i.key, i) for i in items]


def test_items_come_from_the_program_file(program: Program) -> None:
    items = item_specs(program.schemes["2021"])
    assert [i.key for i in items] == [
        "training_fund",
        *(f"incentive.{n}" for n in range(1, 5)),
        *(f"survey.{n}" for n in range(1, 4)),
    ]
    assert totals(items) == (0, 2_550_000, 2_550_000)  # money paid out: not the training fund
    assert {i.amount for i in items if i.kind == "incentive"} == {600_000}


@pytest.mark.parametrize("order", list(itertools.permutations(PREREQUISITES)))
def test_eligibility_and_next_step_in_every_milestone_order(
    program: Program, order: tuple[str, ...]
) -> None:
    items = item_specs(program.schemes["2021"])
    progress: dict[str, datetime] = {}
    for number, milestone in enumerate(order):
        now = START + timedelta(days=number)
        step = next_step(items, progress, now, WIB, program)
        first_missing = next(m for m in PREREQUISITES if m not in progress)
        assert step.what == Next.MILESTONE and step.milestone == first_missing
        assert eligible_since(progress) is None
        progress[milestone] = now
        items = _apply(items, reconcile(items, progress, WIB))
        incentives = [i for i in items if i.kind == "incentive"]
        expected = Status.WAITING if len(progress) == len(PREREQUISITES) else Status.NOT_ELIGIBLE
        assert {i.status for i in incentives} == {expected}
    last = START + timedelta(days=len(order) - 1)
    assert eligible_since(progress) == last
    step = next_step(items, progress, last + timedelta(hours=2), WIB, program)
    assert step.what == Next.WAIT_SCHEDULE and not step.overdue
    assert step.by_moment == last + timedelta(hours=program.timings.schedule_sync_hours)
    late = next_step(items, progress, last + timedelta(hours=25), WIB, program)
    assert late.what == Next.WAIT_SCHEDULE and late.overdue
    assert all(i.status == Status.NOT_ELIGIBLE for i in items if i.kind == "survey")


def test_purchase_spends_the_training_fund_once(program: Program) -> None:
    items = item_specs(program.schemes["2021"])
    bought = datetime(2021, 11, 20, 18, 0, tzinfo=UTC)  # 21 November in WIB
    progress = {"purchase": bought}
    items = _apply(items, reconcile(items, progress, WIB))
    fund = items[0]
    assert fund.status == Status.PAID and fund.status_on == date(2021, 11, 21)
    assert reconcile(items, progress, WIB) == []
    assert totals(items)[0] == 0  # the fund was spent on the training, not received


def test_working_days_skip_weekends() -> None:
    friday = date(2021, 12, 10)
    assert add_working_days(friday, 1) == date(2021, 12, 13)
    assert add_working_days(friday, 5) == date(2021, 12, 17)
    assert add_working_days(date(2021, 12, 6), 3) == date(2021, 12, 9)


def _eligible(program: Program) -> tuple[list[Item], dict[str, datetime]]:
    progress = {m: START for m in PREREQUISITES}
    items = item_specs(program.schemes["2021"])
    return _apply(items, reconcile(items, progress, WIB)), progress


def test_transfer_is_overdue_after_five_working_days(program: Program) -> None:
    items, progress = _eligible(program)
    items[1] = replace(items[1], status=Status.WAITING, status_on=date(2021, 12, 10))
    on_time = next_step(items, progress, datetime(2021, 12, 17, 5, tzinfo=UTC), WIB, program)
    assert on_time.what == Next.WAIT_TRANSFER and on_time.by == date(2021, 12, 17)
    assert not on_time.overdue
    late = next_step(items, progress, datetime(2021, 12, 18, 5, tzinfo=UTC), WIB, program)
    assert late.overdue


def test_certificate_is_overdue_after_seven_working_days(program: Program) -> None:
    items = item_specs(program.schemes["2021"])
    progress = {"purchase": START, "finished": datetime(2021, 11, 5, 3, tzinfo=UTC)}
    step = next_step(items, progress, datetime(2021, 11, 16, 3, tzinfo=UTC), WIB, program)
    assert step.what == Next.WAIT_CERTIFICATE and step.by == date(2021, 11, 16)
    assert not step.overdue
    step = next_step(items, progress, datetime(2021, 11, 17, 3, tzinfo=UTC), WIB, program)
    assert step.overdue


def test_failed_item_comes_first_then_surveys(program: Program) -> None:
    items, progress = _eligible(program)
    items[1] = replace(items[1], status=Status.FAILED, reason="not_premium")
    assert next_step(items, progress, START, WIB, program).what == Next.FIX_FAILED
    paid = replace(items[1], status=Status.PAID, status_on=date(2021, 12, 1), partner="OVO")
    items = [paid if i.key == paid.key else i for i in items]
    items = [replace(i, status=Status.PAID) if i.kind == "incentive" else i for i in items]
    items = _apply(items, reconcile(items, progress, WIB))
    step = next_step(items, progress, START, WIB, program)
    assert step.what == Next.DO_SURVEY and step.item is not None and step.item.key == "survey.1"
    items = [replace(i, status=Status.PAID) for i in items]
    assert next_step(items, progress, START, WIB, program).what == Next.DONE
    assert totals(items) == (2_550_000, 0, 2_550_000)


def test_first_paid_incentive_also_announces_the_surveys(program: Program) -> None:
    scheme = program.schemes["2021"]
    items, _ = _eligible(program)
    before = items[1]
    after = replace(before, status=Status.PAID, status_on=date(2021, 12, 12), partner="OVO")
    found = pushes(7, before, after, items, program, scheme)
    assert [p.key for p in found] == [
        "incentive:7:incentive.1:paid:2021-12-12",
        "incentive:7:surveys",
    ]
    assert found[0].payload["partner_kind"] == "ewallet"
    assert found[1].payload == {
        "topic": "surveys",
        "count": 3,
        "amount": 50_000,
        "deadline": "2021-12-10",
    }
    items[1] = after
    second = replace(items[2], status=Status.PAID, status_on=date(2022, 1, 12), partner="OVO")
    assert len(pushes(7, items[2], second, items, program, scheme)) == 1
    assert (
        pushes(7, items[3], replace(items[3], status=Status.WAITING), items, program, scheme) == []
    )
