"""Update-id deduplication (`claim_update`) on both databases: a platform's retry of an update
is recognised, by this instance or another, a released claim can be taken again, and old ids
are forgotten."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.storage.store import SqlStore
from tests.helpers import WIB_START
from tests.storage.conftest import Reopen


async def test_an_update_is_claimed_once(store: SqlStore) -> None:
    assert await store.claim_update("telegram", "101", "u1", WIB_START)
    assert not await store.claim_update("telegram", "101", "u1", WIB_START)  # the retry
    assert await store.claim_update("whatsapp", "101", "u1", WIB_START)  # another channel
    await store.release_update("telegram", "101")  # its handling failed: the retry is handled
    assert await store.claim_update("telegram", "101", "u1", WIB_START)


async def test_claims_arriving_together_and_from_two_instances(
    store: SqlStore, reopen: Reopen
) -> None:
    other = await reopen()
    try:
        ids = [str(n) for n in range(40)]
        here = asyncio.gather(*(store.claim_update("telegram", i, "u", WIB_START) for i in ids))
        there = asyncio.gather(*(other.claim_update("telegram", i, "u", WIB_START) for i in ids))
        mine, theirs = await asyncio.gather(here, there)
        assert [a != b for a, b in zip(mine, theirs, strict=True)] == [True] * len(ids)
        repeated = await store.claim_update("telegram", ids[0], "u", WIB_START)
        assert not repeated
    finally:
        await other.close()


async def test_old_update_ids_are_forgotten(store: SqlStore) -> None:
    await store.claim_update("telegram", "1", None, WIB_START)
    await store.claim_update("telegram", "2", None, WIB_START + timedelta(days=2))
    assert await store.prune_updates(WIB_START + timedelta(days=1)) == 1
    assert await store.claim_update("telegram", "1", None, WIB_START + timedelta(days=2))
    assert not await store.claim_update("telegram", "2", None, WIB_START + timedelta(days=2))
