"""One connection, many coroutines: a change is committed whole or not at all."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.core.domain import Participant
from bot.storage.base import StoreBusy
from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore

NOW = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)


def _person(user: str) -> Participant:
    return Participant(
        channel="test",
        user_id=user,
        chat_id=user,
        locale="id",
        timezone="Asia/Jakarta",
        ref_code=f"PK-{user.upper():0>6}",
        created_at=NOW,
    )


async def _count(store: SqlStore) -> int:
    row = await store.db.fetchone("SELECT COUNT(*) FROM participants")
    assert row is not None
    return int(row[0])


async def test_another_commit_cannot_land_inside_a_change(store: SqlStore) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def half_done_then_fails() -> None:
        async with store.transaction():
            await store.db.execute(
                "INSERT INTO participants (channel, user_id, chat_id, step, locale, timezone,"
                " ref_code, created_at, updated_at) VALUES"
                " ('test', 'ghost', 'ghost', 'new', 'id', 'Asia/Jakarta', 'PK-GHOST', '', '')"
            )
            inside.set()
            await release.wait()
            raise RuntimeError("the change fails half-way")

    failing = asyncio.create_task(half_done_then_fails())
    await inside.wait()
    saving = asyncio.create_task(store.save_participant(_person("real")))
    await asyncio.sleep(0.05)
    if store.db.dialect.name == "sqlite":  # one connection: waits for the other change to end
        assert not saving.done()
    # (PostgreSQL: each change has a connection and a transaction of its own)
    release.set()
    with pytest.raises(RuntimeError):
        await failing
    await saving
    assert await _count(store) == 1
    assert await store.get_participant("test", "ghost") is None


async def test_nested_transactions_join_the_outer_one(store: SqlStore) -> None:
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.save_participant(_person("a"))  # nested: joins, does not commit
            raise RuntimeError("roll everything back")
    assert await _count(store) == 0


async def test_a_busy_database_is_reported_as_store_busy(
    sqlite_store: SqliteStore, db_path: object
) -> None:
    store = sqlite_store
    other = await SqliteStore.open(str(db_path))  # another process on the same file
    try:
        await other.db.execute("PRAGMA busy_timeout=50")
        await store.db.execute("BEGIN IMMEDIATE")  # this one holds the write lock
        with pytest.raises(StoreBusy):
            await other.save_participant(_person("b"))
        await store.db.execute("ROLLBACK")
        await other.save_participant(_person("b"))  # nothing lost: it works once free
        assert await other.get_participant("test", "b") is not None
    finally:
        await other.close()


async def test_fetch_helpers_read_rows_by_name_and_index(store: SqlStore) -> None:
    await store.save_participant(_person("a"))
    row = await store.db.fetchone(
        "SELECT user_id, step FROM participants WHERE user_id = ?", ["a"]
    )
    assert row is not None and row["user_id"] == row[0] == "a" and row["step"] == "new"
    rows = await store.db.fetchall("SELECT user_id FROM participants ORDER BY user_id")
    assert [r[0] for r in rows] == ["a"]
    assert await store.db.fetchone("SELECT id FROM participants WHERE user_id = ?", ["b"]) is None


def test_stored_times_are_utc_whatever_the_callers_zone() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.storage.sql_base import from_ts, ts

    midnight_wib = datetime(2021, 11, 20, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert ts(midnight_wib) == "2021-11-19T17:00:00+00:00"
    assert from_ts(ts(midnight_wib)) == midnight_wib
