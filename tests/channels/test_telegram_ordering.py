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
