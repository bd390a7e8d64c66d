"""Planning deadline reminders: zones, quiet hours, late onboarding, changes and cancelling."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Participant
from bot.core.program import Program, ReminderRule, Reminders
from bot.outbox.planner import PASSED, REMINDER, ReminderPlanner, plan
from bot.storage.store import SqlStore
from handlers.router import route
from tests.conftest import onboard
from tests.helpers import Chat
from tests.outbox_helpers import planning_engine, rows, utc


@pytest.fixture
def chat(store: SqlStore, program: Program, clock: FakeClock) -> Chat:
    return Chat(planning_engine(store, program, clock), clock)


async def pending(store: SqlStore) -> list[tuple[str, str]]:
    """(kind, due UTC) of every pending row."""
    return [
        (str(r["kind"]), str(r["due_at"])) for r in await rows(store) if r["state"] == "pending"
    ]


@pytest.mark.parametrize(
    ("zone", "h7", "evening", "passed"),
    [
        # 09:00 local on 23 Nov; 20:00 local on 30 Nov; after 23:59 WIB, moved to 07:00 local.
        ("WIB", "2021-11-23T02:00", "2021-11-30T13:00", "2021-12-01T00:00"),
        ("WITA", "2021-11-23T01:00", "2021-11-30T12:00", "2021-11-30T23:00"),
        ("WIT", "2021-11-23T00:00", "2021-11-30T11:00", "2021-11-30T22:00"),
    ],
)
async def test_plan_in_each_zone(
    chat: Chat, store: SqlStore, zone: str, h7: str, evening: str, passed: str
) -> None:
    await onboard(chat, zone=zone)
    planned = await pending(store)
    assert [kind for kind, _ in planned] == [REMINDER] * 5 + [PASSED]
    dues = [due for _, due in planned]
    assert dues[0] == f"{h7}:00+00:00"
    assert dues[4] == f"{evening}:00+00:00"
    assert dues[5] == f"{passed}:00+00:00"
    assert len({r["idempotency_key"] for r in await rows(store)}) == 6


def _participant(deadline: str, zone: str = "Asia/Jakarta") -> Participant:
    return Participant(
        id=1,
        channel="test",
        user_id="u",
        chat_id="u",
        locale="id",
        timezone=zone,
        ref_code="PK-TEST01",
        created_at=utc("2021-11-01T00:00+00:00"),
        deadline_utc=utc(deadline).astimezone(UTC),
    )


def _with_rules(program: Program, *rules: ReminderRule) -> Program:
    return program.model_copy(update={"reminders": Reminders(schedule=rules)})


def test_quiet_hours_push_to_morning_or_skip(program: Program) -> None:
    custom = _with_rules(
        program,
        ReminderRule(key="two_days", before="2d"),
        ReminderRule(key="three_hours", before="3h"),
        ReminderRule(key="one_hour", before="1h"),
    )
    p = _participant("2021-11-30T23:59+07:00")
    found = plan(p, custom, utc("2021-11-20T10:00+07:00"))
    by_rule = {x.rule: x.due for x in found}
    # 28 Nov 23:59 WIB is quiet: moved to 29 Nov 07:00 WIB.
    assert by_rule["two_days"] == utc("2021-11-29T07:00+07:00")
    # 20:59 WIB is outside the quiet hours: exactly 3 h before.
    assert by_rule["three_hours"] == utc("2021-11-30T20:59+07:00")
    # 22:59 WIB is quiet and 07:00 next morning is after the deadline: skipped.
    assert "one_hour" not in by_rule
    # The same rules for a WIT participant: 28 Nov 23:59 WIB is 01:59 WIT on the 29th.
    wit = _participant("2021-11-30T23:59+07:00", "Asia/Jayapura")
    assert {x.rule: x.due for x in plan(wit, custom, utc("2021-11-20T10:00+07:00"))}[
        "two_days"
    ] == utc("2021-11-29T07:00+09:00")


def test_rehearsal_durations_are_exact(program: Program) -> None:
    custom = _with_rules(program, ReminderRule(key="soon", before="90s"))
    p = _participant("2021-11-20T12:00+07:00")
    found = plan(p, custom, utc("2021-11-20T11:00+07:00"))
    assert found[0].due == datetime(2021, 11, 20, 4, 58, 30, tzinfo=UTC)


async def test_late_onboarding_skips_past_reminders(
    chat: Chat, store: SqlStore, clock: FakeClock
) -> None:
    clock.set(utc("2021-11-28T10:00+07:00"))
    await onboard(chat)
    rules = [r["payload"] for r in await rows(store) if r["kind"] == REMINDER]
    assert [str(x).split('"rule": "')[1].split('"')[0] for x in rules] == [
        "h1",
        "h0_morning",
        "h0_evening",
    ]
    assert all(str(r["due_at"]) > "2021-11-28T03:00" for r in await rows(store))


async def test_deadline_change_replaces_pending(
    chat: Chat, store: SqlStore, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.send("/start")
    await chat.send("5/11/2021")  # announced 5 Nov: deadline 5 Dec 23:59 WIB
    await chat.press("tz:WIB")
    planned = await pending(store)
    assert len(planned) == 6
    assert planned[0][1] == "2021-11-28T02:00:00+00:00"  # H-7 of 5 Dec
    assert all("2021-12-05T16:59" in str(r["idempotency_key"]) for r in await rows(store))


@pytest.mark.parametrize("how", ["purchase", "stop"])
async def test_purchase_and_stop_cancel(chat: Chat, store: SqlStore, how: str) -> None:
    await onboard(chat)
    if how == "purchase":
        await chat.press_any("purchase:done")
    else:
        await chat.send("/berhenti")
    states = {r["state"] for r in await rows(store)}
    assert states == {"cancelled"}


async def test_stop_then_on_plans_again(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("/berhenti")
    await chat.send("/pengingat")
    await chat.press("reminders:on")
    assert "Selasa, 23 November 2021 pukul 09.00 WIB" in chat.text
    assert len(await pending(store)) == 6


async def test_delete_removes_rows(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("/hapus")
    await chat.press("delete:yes")
    assert await rows(store) == []


async def test_housekeeping_plans_what_a_crash_lost(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    # Saved by an engine without the planner: as if the process died before planning.
    await onboard(Chat(Engine(store, program, clock, route), clock))
    assert await rows(store) == []
    planner = ReminderPlanner(store, program, clock)
    assert await planner.replan_missing() == 1
    assert len(await pending(store)) == 6
    assert await planner.replan_missing() == 0
