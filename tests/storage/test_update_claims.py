"""Update claims on both stores: claims made at once share one INSERT; each id is won once,
by its first claim, whether the duplicate is in the same batch or comes later."""

from __future__ import annotations

import asyncio

from bot.storage.store import SqlStore
from tests.helpers import WIB_START


async def test_claims_at_once_each_id_won_by_its_first_claim(store: SqlStore) -> None:
    ids = ["1", "2", "1", "3", "2", "4"]
    won = await asyncio.gather(
        *(store.claim_update("telegram", i, f"u{i}", WIB_START) for i in ids),
        store.claim_update("whatsapp", "1", "w1", WIB_START),  # another channel's id 1
    )
    assert won == [True, True, False, True, False, True, True]
    again = await asyncio.gather(
        *(store.claim_update("telegram", i, None, WIB_START) for i in "15")
    )
    assert again == [False, True]
    await store.release_update("telegram", "1")
    assert await store.claim_update("telegram", "1", None, WIB_START)


async def test_a_thousand_claims_at_once(store: SqlStore) -> None:
    ids = [str(n) for n in range(1200)] + ["7", "1100"]
    won = await asyncio.gather(*(store.claim_update("telegram", i, None, WIB_START) for i in ids))
    assert won == [True] * 1200 + [False, False]
