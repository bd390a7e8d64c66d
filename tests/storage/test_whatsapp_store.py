"""WhatsApp bookkeeping in SQLite: processed ids, sent ids and statuses, the window lookup."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core.clock import FakeClock
from bot.core.domain import Participant
from bot.storage.store import SqlStore


async def test_an_inbound_id_is_claimed_once_and_pruned_later(
    store: SqlStore, clock: FakeClock
) -> None:
    assert await store.whatsapp_claim_inbound("wamid.1", clock.now())
    assert not await store.whatsapp_claim_inbound("wamid.1", clock.now())
    clock.advance(timedelta(days=31))
    assert await store.whatsapp_prune_inbound(clock.now() - timedelta(days=30)) == 1
    assert await store.whatsapp_claim_inbound("wamid.1", clock.now())


async def test_statuses_only_move_forward_and_failed_always_wins(
    store: SqlStore, clock: FakeClock
) -> None:
    await store.whatsapp_record_sent(["wamid.A"], None, clock.now())
    for state, expected in [
        ("delivered", "delivered"),
        ("sent", "delivered"),
        ("read", "read"),
        ("delivered", "read"),
        ("failed", "failed"),
        ("read", "failed"),
    ]:
        got = await store.whatsapp_record_status("wamid.A", state, clock.now())
        assert got is not None and got.status == expected
    assert await store.whatsapp_record_status("wamid.UNKNOWN", "read", clock.now()) is None
    assert await store.whatsapp_record_status("wamid.A", "deleted", clock.now()) is None


async def test_window_by_chat_without_an_outbox_row(store: SqlStore, clock: FakeClock) -> None:
    assert (await store.whatsapp_window("628111")).last_inbound_at is None
    await store.save_participant(
        Participant(
            channel="whatsapp",
            user_id="ID.123",
            chat_id="628111",
            locale="id",
            timezone="Asia/Jakarta",
            ref_code="PK-STORE1",
            created_at=clock.now(),
            last_inbound_at=clock.now(),
        )
    )
    window = await store.whatsapp_window("628111")
    assert window.last_inbound_at == clock.now() and not window.force_template


async def test_remember_phone(store: SqlStore, clock: FakeClock) -> None:
    p = await store.save_participant(
        Participant(
            channel="whatsapp",
            user_id="628222",
            chat_id="628222",
            locale="id",
            timezone="Asia/Jakarta",
            ref_code="PK-STORE2",
            created_at=clock.now(),
        )
    )
    await store.whatsapp_remember_phone("628222", "+628222")
    again = await store.get_participant("whatsapp", "628222")
    assert again is not None and again.phone == "+628222" and again.id == p.id


async def test_many_concurrent_sends_record_their_ids(store: SqlStore, clock: FakeClock) -> None:
    async def one(i: int) -> None:
        await store.whatsapp_window(f"62{i}")
        await store.whatsapp_record_sent([f"wamid.{i}"], None, clock.now())

    await asyncio.gather(*(one(i) for i in range(2000)))
    row = await store.db.fetchone("SELECT count(*) FROM whatsapp_sent")
    assert row is not None and row[0] == 2000
