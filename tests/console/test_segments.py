"""Segments: each filter on its own, combined, the funnel counts, and the index each uses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.console.segments import SegmentError, parse_segment
from bot.core.benefits import Item, Source, Status
from bot.core.clock import FakeClock
from bot.core.domain import Step
from bot.core.i18n import Translator
from bot.core.program import Program
from bot.storage.segments import Segment
from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore
from tests.console.helpers import add_participant, at

T = Translator("en", "Asia/Jakarta")


@pytest.fixture
async def people(store: SqlStore, clock: FakeClock) -> dict[str, int]:
    """Six participants who differ in one thing each from the first."""
    made = {
        "base": await add_participant(
            store, "base", progress={"dashboard": at(0), "platform": at(0)}
        ),
        "wave5": await add_participant(store, "wave5", wave=5, scheme="2022"),
        "wita": await add_participant(store, "wita", timezone="Asia/Makassar"),
        "wa": await add_participant(store, "wa", channel="whatsapp", phone="+6281234567890"),
        "soon": await add_participant(
            store, "soon", deadline_utc=at(2), progress={"purchase": at(0)}
        ),
        "late": await add_participant(store, "late", deadline_utc=at(-1)),
        "new": await add_participant(
            store, "new", step=Step.ASK_WAVE, deadline_utc=None, wave=None, scheme=None
        ),
    }
    paid = Item("incentive.1", "incentive", 1, 600_000, Status.PAID, at(1).date(), "OVO")
    assert made["soon"].id is not None
    await store.change_benefit_item(made["soon"].id, paid, Source.OPERATOR, clock.now())
    return {k: p.id for k, p in made.items() if p.id is not None}


async def _ids(store: SqlStore, segment: Segment, clock: FakeClock) -> set[int]:
    return {p.id for p in await store.list_segment(segment, clock.now(), limit=100)}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, {"base", "wave5", "wita", "wa", "soon", "late", "new"}),
        ({"wave": "5"}, {"wave5"}),
        ({"scheme": "2022"}, {"wave5"}),
        ({"zone": "WITA"}, {"wita"}),
        ({"zone": "Asia/Makassar"}, {"wita"}),
        ({"channel": "whatsapp"}, {"wa"}),
        ({"q": "0812-3456-7890"}, {"wa"}),
        ({"q": "pk-00SOON"}, {"soon"}),
        ({"step": "platform"}, {"base"}),
        ({"step": "onboarded"}, {"base", "wave5", "wita", "wa", "soon", "late"}),
        ({"step": "incentive_paid"}, {"soon"}),
        ({"deadline_days": "3"}, {"soon"}),
        ({"deadline_passed": "true"}, {"late"}),
        (
            {
                "deadline_passed": "false",
                "purchased": "false",
                "channel": "test",
                "wave": "22",
                "zone": "WIB",
            },
            {"base"},
        ),
        ({"purchased": "true"}, {"soon"}),
        ({"incentive_status": "paid"}, {"soon"}),
        ({"incentive_status": "waiting"}, set()),
    ],
)
async def test_each_filter(
    store: SqlStore,
    clock: FakeClock,
    program: Program,
    people: dict[str, int],
    values: dict[str, str],
    expected: set[str],
) -> None:
    segment = parse_segment(values, program, T)
    assert await _ids(store, segment, clock) == {people[name] for name in expected}
    assert await store.count_segment(segment, clock.now()) == len(expected)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"wave": "x"}, "Wave: must be a whole number"),
        ({"wave": True}, "Wave: must be a whole number"),
        ({"scheme": "1999"}, "Scheme: use one of"),
        ({"step": "flying"}, "Step reached: use one of"),
        ({"purchased": "maybe"}, "Training bought: must be yes or no"),
        ({"deadline_days": "-1"}, "Deadline within \\(days\\): must be between 0 and 3650"),
        ({"colour": "red"}, "unknown filter: colour"),
    ],
)
def test_bad_filters_say_which(program: Program, values: dict[str, object], message: str) -> None:
    with pytest.raises(SegmentError, match=message):
        parse_segment(values, program, T)


async def test_funnel_counts(store: SqlStore, clock: FakeClock, people: dict[str, int]) -> None:
    counts = await store.funnel(Segment(), clock.now())
    assert counts["participants"] == 7
    assert counts["onboarded"] == 6
    assert (counts["dashboard"], counts["platform"], counts["purchase"]) == (1, 1, 1)
    assert counts["incentive_paid"] == 1
    assert counts["deadline_passed_without_purchase"] == 1
    wave22 = await store.funnel(Segment(wave=22), clock.now())
    assert (wave22["participants"], wave22["onboarded"], wave22["purchase"]) == (5, 5, 1)
    clock.advance(timedelta(days=11))
    later = await store.funnel(Segment(), clock.now())
    assert later["deadline_passed_without_purchase"] == 5


async def test_the_filters_use_indexes(sqlite_store: SqliteStore, clock: FakeClock) -> None:
    store = sqlite_store  # SQLite's query plans
    for segment, index in [
        (Segment(wave=22), "participants_wave"),
        (Segment(query="PK-ABCDEF"), "ref_code"),
        (Segment(deadline_days=3), "participants_deadline"),
        (Segment(channel="whatsapp"), "participants_channel"),
    ]:
        where, params = segment.where(clock.now())
        plan = " ".join(
            await store.explain(f"SELECT p.id FROM participants p WHERE {where}", params)
        )
        assert index in plan or "sqlite_autoindex_participants" in plan, (segment, plan)
    plan = " ".join(await store.explain("SELECT item, COUNT(*) FROM progress GROUP BY item", []))
    assert "progress_item" in plan


def test_the_json_api_words_a_boolean_error_as_true_or_false(program: Program) -> None:
    with pytest.raises(SegmentError, match="deadline_passed: must be true or false"):
        parse_segment({"deadline_passed": "maybe"}, program, T, api=True)
    with pytest.raises(SegmentError, match="Deadline passed: must be yes or no"):
        parse_segment({"deadline_passed": "maybe"}, program, T)
