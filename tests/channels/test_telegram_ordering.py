"""OrderedUpdateProcessor: concurrent across users, strictly in order for one user."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.channels.telegram.ordering import OrderedUpdateProcessor
from tests.fakes.telegram_updates import text_json


def update(user_id: int) -> Update:
    found = Update.de_json(text_json("halo", user_id), None)
    assert found is not None
    return found


async def test_a_user_waits_for_their_previous_update_others_do_not() -> None:
    processor = OrderedUpdateProcessor(8)
    log: list[str] = []
    release_a1 = asyncio.Event()

    async def work(name: str, wait: asyncio.Event | None = None) -> None:
        log.append(f"{name} start")
        if wait is not None:
            await wait.wait()
        log.append(f"{name} end")

    a1 = asyncio.create_task(processor.process_update(update(1), work("A1", release_a1)))
    a2 = asyncio.create_task(processor.process_update(update(1), work("A2")))
    b1 = asyncio.create_task(processor.process_update(update(2), work("B1")))
    await b1
    assert log == ["A1 start", "B1 start", "B1 end"]
    release_a1.set()
    await asyncio.gather(a1, a2)
    assert log[3:] == ["A1 end", "A2 start", "A2 end"]


async def test_a_flooding_user_never_holds_the_slots_others_need() -> None:
    """One processing slot; 50 updates of user 1 wait behind a blocked first one: user 2's
    update still gets the slot at once (queued updates wait for their user, not a slot)."""
    processor = OrderedUpdateProcessor(1, per_user_queue=100)
    release = asyncio.Event()
    done: list[str] = []

    async def work(name: str, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()
        done.append(name)

    first = asyncio.create_task(processor.process_update(update(1), work("A0", release)))
    await asyncio.sleep(0)
    flood = [
        asyncio.create_task(processor.process_update(update(1), work(f"A{n}")))
        for n in range(1, 51)
    ]
    await asyncio.sleep(0)
    other = asyncio.create_task(processor.process_update(update(2), work("B")))
    release.set()
    await other
    assert done.index("B") < 3  # not behind the flood
    await asyncio.gather(first, *flood)
    assert [d for d in done if d.startswith("A")] == [f"A{n}" for n in range(51)]


async def test_a_flood_past_the_queue_is_dropped_and_answered_once() -> None:
    told: list[int] = []
    finished: list[object] = []

    async def overflow(found: Update) -> None:
        assert found.effective_user is not None
        told.append(found.effective_user.id)

    processor = OrderedUpdateProcessor(
        8, finished=finished.append, per_user_queue=5, overflow=overflow
    )
    release = asyncio.Event()
    ran: list[int] = []

    async def work(n: int) -> None:
        await release.wait()
        ran.append(n)

    tasks = [asyncio.create_task(processor.process_update(update(1), work(n))) for n in range(30)]
    for _ in range(5):
        await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*tasks)
    assert ran == list(range(6))  # the one running and the five waiting behind it
    assert processor.dropped == 24 and told == [1]  # one "slow down" for the whole burst
    assert len(finished) == 30  # every webhook call is closed, dropped ones too
    # the burst is over: the next flood is told again
    release.clear()
    tasks = [asyncio.create_task(processor.process_update(update(1), work(n))) for n in range(9)]
    for _ in range(5):
        await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*tasks)
    assert told == [1, 1]
