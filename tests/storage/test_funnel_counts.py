"""The overview's funnel kept by triggers (migration 0013) on both stores: after every kind of
participant change (joining, onboarding, progress written and taken back, a wave or scheme or
deadline changed, an incentive paid and un-paid, a participant deleted) the kept counts equal
the funnel counted afresh, for everyone, each wave and each wave and scheme, before and after
squashing."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from bot.core.benefits import Item, Source, Status
from bot.core.domain import Participant, Step
from bot.storage.segments import Segment
from bot.storage.store import SqlStore
from tests.console.helpers import add_participant, at
from tests.helpers import WIB_START

NOW = WIB_START + timedelta(days=3)
ITEMS = ("dashboard", "platform", "purchase", "certificate", "review", "linking")


async def same_counts(store: SqlStore, when: str) -> None:
    segments = [Segment(), Segment(wave=22), Segment(wave=5), Segment(wave=5, scheme="2022")]
    segments += [Segment(scheme="2021"), Segment(wave=99)]
    for segment in segments:
        fresh = await store.funnel(segment, NOW)
        kept = await store.kept_funnel(NOW, segment.wave, segment.scheme)
        assert kept == fresh, (when, segment.as_dict())
        tile = replace(segment, deadline_passed=True, purchased=False)  # the tile's list
        counted = await store.count_segment(tile, NOW)
        assert await store.count_segment_upto(tile, NOW, 10_000) == counted, (when, tile)
        assert await store.count_segment_upto(tile, NOW, 0) == min(counted, 1), (when, tile)


def paid(index: int, status: Status = Status.PAID) -> Item:
    return Item(f"incentive.{index}", "incentive", index, 600_000, status, at(1).date(), "OVO")


async def test_the_kept_funnel_follows_every_change(store: SqlStore) -> None:
    rng = random.Random(20)
    people: list[Participant] = []
    for n in range(12):
        people.append(
            await add_participant(
                store,
                f"u{n}",
                wave=rng.choice((5, 22, None)),
                scheme=rng.choice(("2021", "2022")),
                deadline_utc=at(rng.choice((-2, 1, 5))) if n % 4 else None,
                step=Step.MENU if n % 3 else Step.ASK_WAVE,
                progress={i: at(0) for i in ITEMS[: n % 5]},
            )
        )
    await same_counts(store, "added")
    for round_ in range(60):
        index = rng.randrange(len(people))
        p = people[index]
        assert p.id is not None
        action = rng.choice(("progress", "unprogress", "wave", "step", "deadline", "pay", "unpay"))
        if action == "progress":
            p.progress[rng.choice(ITEMS)] = at(1)
            await store.save_participant(p)
        elif action == "unprogress" and p.progress:
            del p.progress[rng.choice(sorted(p.progress))]
            await store.save_participant(p)
        elif action == "wave":
            p.wave, p.scheme = rng.choice((5, 22, None)), rng.choice(("2021", "2022"))
            await store.save_participant(p)
        elif action == "step":
            p.step = rng.choice((Step.MENU, Step.ASK_WAVE, Step.ASK_TIMEZONE))
            await store.save_participant(p)
        elif action == "deadline":
            p.deadline_utc = rng.choice((None, at(-1), at(4)))
            await store.save_participant(p)
        elif action == "pay":
            await store.change_benefit_item(p.id, paid(rng.choice((1, 2))), Source.OPERATOR, NOW)
        else:
            item = paid(rng.choice((1, 2)), rng.choice((Status.FAILED, Status.PROCESSING)))
            await store.change_benefit_item(p.id, item, Source.OPERATOR, NOW)
        await same_counts(store, f"round {round_}: {action}")
        if round_ % 20 == 19:
            await store.squash_funnel()
            await same_counts(store, f"squashed after round {round_}")
    for p in people[::3]:  # their progress and benefit rows go with them (cascade)
        assert p.id is not None
        await store.delete_participant(p.id)
    await same_counts(store, "deleted")
    await store.squash_funnel()
    await same_counts(store, "squashed at the end")
    newcomer = replace(people[1], id=None, user_id="late", ref_code="PK-LATE01")
    await store.save_participant(newcomer)
    await same_counts(store, "a newcomer after the deletes")


async def test_squashing_leaves_one_row_per_key(store: SqlStore) -> None:
    p = await add_participant(store, "a", progress={"dashboard": at(0)})
    for wave in (5, 22, 5, 22):
        p.wave = wave
        await store.save_participant(p)
    before = await store.kept_funnel(NOW)
    await store.squash_funnel()
    assert await store.kept_funnel(NOW) == before
    rows = await store._all(
        "SELECT wave, scheme, step, deadline_utc, COUNT(*) FROM funnel_counts"
        " GROUP BY wave, scheme, step, deadline_utc"
    )
    assert rows and all(int(r[4]) == 1 for r in rows)
    assert {(int(r[0]), str(r[2])) for r in rows if r[2] == "dashboard"} == {(22, "dashboard")}
