"""Participants and their progress in SQLite: every change survives a reload."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import psycopg

from bot.core.domain import Participant, Step
from bot.storage.store import SqlStore
from tests.storage.conftest import Reopen

T0 = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)


def participant(user_id: str = "u1") -> Participant:
    return Participant("test", user_id, user_id, "id", "Asia/Jakarta", f"PK-{user_id}", T0)


async def reload(store: SqlStore, user_id: str = "u1") -> Participant:
    found = await store.get_participant("test", user_id)
    assert found is not None
    return found


async def test_progress_added_changed_removed_and_kept(store: SqlStore) -> None:
    p = await store.save_participant(participant())
    assert (await reload(store)).progress == {}
    p.progress["bought"] = T0
    p.step = Step.MENU
    await store.save_participant(p)
    loaded = await reload(store)
    assert loaded.progress == {"bought": T0} and loaded.step == Step.MENU
    loaded.progress["certificate"] = T0 + timedelta(days=1)
    await store.save_participant(loaded)
    loaded.last_inbound_at = T0 + timedelta(days=2)  # progress unchanged: row kept as it is
    await store.save_participant(loaded)
    again = await reload(store)
    assert again.progress == {"bought": T0, "certificate": T0 + timedelta(days=1)}
    assert again.last_inbound_at == T0 + timedelta(days=2)
    del again.progress["bought"]
    await store.save_participant(again)
    assert (await reload(store)).progress == {"certificate": T0 + timedelta(days=1)}
    again.progress.clear()
    await store.save_participant(again)
    assert (await reload(store)).progress == {}
    assert (await store.participant_by_id(again.id or 0)) == await reload(store)


async def test_progress_written_by_another_connection_is_seen(
    store: SqlStore, reopen: Reopen
) -> None:
    p = participant()
    p.progress["bought"] = T0
    await store.save_participant(p)
    other = await reopen()
    try:
        theirs = await reload(other)
        theirs.progress["certificate"] = T0
        await other.save_participant(theirs)
    finally:
        await other.close()
    mine = await reload(store)
    assert mine.progress == {"bought": T0, "certificate": T0}
    mine.progress.clear()
    await store.save_participant(mine)
    assert (await reload(store)).progress == {}


async def test_deleted_participant_gone_with_progress(store: SqlStore) -> None:
    p = participant()
    p.progress["bought"] = T0
    await store.save_participant(p)
    assert p.id is not None
    await store.delete_participant(p.id)
    assert await store.get_participant("test", "u1") is None
    fresh = await store.save_participant(participant())
    assert (await reload(store)).progress == {} and fresh.id is not None


async def test_concurrent_saves_committed_together(store: SqlStore, reopen: Reopen) -> None:
    saved = [await store.save_participant(participant(f"u{n}")) for n in range(20)]
    loaded = [await reload(store, p.user_id) for p in saved]
    for n, p in enumerate(loaded):
        p.step = Step.MENU
        p.last_inbound_at = T0 + timedelta(minutes=n)
    await asyncio.gather(*(store.save_participant(p) for p in loaded))
    other = await reopen()  # what is committed, seen from elsewhere
    try:
        for n in range(20):
            again = await reload(other, f"u{n}")
            assert again.step == Step.MENU
            assert again.last_inbound_at == T0 + timedelta(minutes=n)
    finally:
        await other.close()


async def test_failed_group_commit_raises_to_every_saver(store: SqlStore) -> None:
    for user_id in ("u1", "u2"):
        await store.save_participant(participant(user_id))
    loaded = [await reload(store, "u1"), await reload(store, "u2")]
    loaded[0].step = Step.MENU
    loaded[1].chat_id = None  # type: ignore[assignment]  # NOT NULL: the transaction fails
    results = await asyncio.gather(
        *(store.save_participant(p) for p in loaded), return_exceptions=True
    )
    if store.db.dialect.name == "postgres":
        # No group commit there (each save is its own transaction, with its own connection):
        # the bad one fails alone.
        assert isinstance(results[1], psycopg.IntegrityError) and results[0] is loaded[0]
        assert (await reload(store, "u1")).step == Step.MENU
        return
    assert all(isinstance(r, sqlite3.IntegrityError) for r in results)
    assert (await reload(store, "u1")).step == Step.NEW  # rolled back together
