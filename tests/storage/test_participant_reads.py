"""Participants read together: the reads waiting meanwhile share a query per channel, and
each caller gets what a read of its own would have given (on both stores)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.domain import Participant, Step
from bot.storage.store import SqlStore

T0 = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)


def person(channel: str, user_id: str, ref: str) -> Participant:
    return Participant(channel, user_id, f"chat-{user_id}", "id", "Asia/Jakarta", ref, T0)


async def test_a_burst_of_reads_shares_queries_and_each_gets_its_own(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = person("telegram", "1", "PK-A")
    first.progress = {"bought": T0, "certificate": T0 + timedelta(days=1)}
    first.step = Step.MENU
    await store.save_participant(first)
    await store.save_participant(person("telegram", "2", "PK-B"))
    await store.save_participant(person("whatsapp", "1", "PK-C"))  # the same user id elsewhere
    queries: list[str] = []
    fetchall = store.db.fetchall

    async def counted(sql: str, params: Sequence[Any] = ()) -> Any:
        queries.append(sql)
        return await fetchall(sql, params)

    monkeypatch.setattr(store.db, "fetchall", counted)
    asked = [("telegram", "1"), ("telegram", "2"), ("telegram", "9"), ("whatsapp", "1")] * 5
    found = await asyncio.gather(*(store.get_participant(c, u) for c, u in asked))
    assert len(queries) <= 3  # the first alone, then one per channel for the others
    for (channel, user_id), p in zip(asked, found, strict=True):
        if user_id == "9":
            assert p is None
            continue
        assert p is not None and (p.channel, p.user_id) == (channel, user_id)
        assert p == await store.participant_by_id(p.id or 0)
    ones = [p for p in found if p is not None and p.ref_code == "PK-A"]
    assert len(ones) == 5 and len({id(p) for p in ones}) == 5  # each caller's own object
    assert ones[0].progress == {"bought": T0, "certificate": T0 + timedelta(days=1)}
    ones[0].progress.clear()
    assert ones[1].progress == {"bought": T0, "certificate": T0 + timedelta(days=1)}
    assert {p.ref_code for p in found if p is not None and p.channel == "whatsapp"} == {"PK-C"}


async def test_a_read_inside_a_transaction_sees_its_writes(store: SqlStore) -> None:
    async with store.transaction():
        await store.save_participant(person("telegram", "5", "PK-E"))
        inside = await store.get_participant("telegram", "5")
        assert inside is not None and inside.ref_code == "PK-E"
    after = await store.get_participant("telegram", "5")
    assert after is not None and after.id == inside.id
