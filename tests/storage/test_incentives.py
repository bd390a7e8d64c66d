"""The benefit items' SQL: created from the scheme, changed atomically with history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.conversation.engine import Engine
from bot.core.benefits import Push, Source, Status
from bot.core.program import Program
from bot.incentives.tracker import item_specs
from bot.storage.store import SqlStore
from tests.feed import outbox, participant
from tests.helpers import WIB_START


async def test_change_is_recorded_once_with_its_source(
    engine: Engine, store: SqlStore, program: Program
) -> None:
    await participant(engine, store, "u1", None)
    specs = item_specs(program.schemes["2021"])
    assert await store.benefit_items(1, specs) == specs
    paid = replace(specs[1], status=Status.PAID, status_on=date(2021, 12, 12), partner="BNI")
    push = Push({"topic": "status"}, "k1")
    assert await store.change_benefit_item(1, paid, Source.OPERATOR, WIB_START, [push])
    assert not await store.change_benefit_item(1, paid, Source.OPERATOR, WIB_START, [push])
    assert (await store.benefit_items(1, specs))[1] == paid
    assert await store.benefit_history(1) == [("incentive.1", "paid", "operator")]
    assert len(await outbox(store)) == 1


async def test_a_failing_change_leaves_nothing_behind(
    engine: Engine, store: SqlStore, program: Program
) -> None:
    await participant(engine, store, "u1", None)
    specs = item_specs(program.schemes["2021"])
    failed = replace(specs[1], status=Status.FAILED, reason="not_premium")
    unserialisable = Push({"when": object()}, "k2")
    with pytest.raises(TypeError):
        await store.change_benefit_item(1, failed, Source.OPERATOR, WIB_START, [unserialisable])
    assert await store.benefit_items(1, specs) == specs
    assert await store.benefit_history(1) == []
    assert await outbox(store) == []


async def test_deleting_the_participant_deletes_their_items(
    engine: Engine, store: SqlStore, program: Program
) -> None:
    await participant(engine, store, "u1", None)
    specs = item_specs(program.schemes["2021"])
    await store.change_benefit_item(
        1, replace(specs[0], status=Status.PAID), Source.PARTICIPANT, WIB_START
    )
    await store.delete_participant(1)
    row = await store.db.fetchone("SELECT count(*) FROM benefit_history")
    assert row is not None and row[0] == 0


async def test_participant_change_never_overwrites_a_newer_operator_change(
    engine: Engine, store: SqlStore, program: Program
) -> None:
    await participant(engine, store, "u1", None)
    specs = item_specs(program.schemes["2021"])
    seen = specs[1]  # what the participant's turn read: not eligible
    paid = replace(seen, status=Status.PAID, status_on=date(2021, 12, 12), partner="OVO")
    assert await store.change_benefit_item(1, paid, Source.OPERATOR, WIB_START)
    waiting = replace(seen, status=Status.WAITING)
    assert not await store.change_benefit_item(
        1, waiting, Source.PARTICIPANT, WIB_START, expect=seen
    )
    assert (await store.benefit_items(1, specs))[1] == paid
