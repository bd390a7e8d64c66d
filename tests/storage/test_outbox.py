"""Outbox SQL: the due-row search uses the partial index; leases; counts for the CLI."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app.cli import main
from bot.core.domain import Participant
from bot.storage.outbox import Outcome
from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore
from tests.outbox_helpers import utc

NOW = utc("2021-11-23T02:00+00:00")


async def _participant(store: SqlStore, user: str = "u1") -> int:
    saved = await store.save_participant(
        Participant(
            channel="test",
            user_id=user,
            chat_id=user,
            locale="id",
            timezone="Asia/Jakarta",
            ref_code=f"PK-{user.upper():0>6}",
            created_at=NOW,
        )
    )
    assert saved.id is not None
    return saved.id


async def test_due_search_uses_the_partial_index(sqlite_store: SqliteStore) -> None:
    plan = await sqlite_store.explain_claim(NOW, ["test"])
    assert any("USING INDEX outbox_due" in step for step in plan), plan
    assert not any(step.startswith("SCAN outbox") for step in plan), plan


async def test_claim_lease_and_expiry(store: SqlStore) -> None:
    pid = await _participant(store)
    assert await store.enqueue(pid, "reminder", NOW, {}, "k1", now=NOW)
    assert not await store.enqueue(pid, "reminder", NOW, {}, "k1", now=NOW)  # same key
    await store.enqueue(pid, "reminder", NOW + timedelta(hours=1), {}, "k2", now=NOW)
    lease = NOW + timedelta(minutes=5)
    first = await store.claim_due(NOW, lease, ["test"], 10)
    assert [r.key for r in first] == ["k1"] and first[0].channel == "test"
    assert await store.claim_due(NOW, lease, ["test"], 10) == []  # leased
    assert await store.claim_due(lease, lease + timedelta(minutes=5), ["other"], 10) == []
    again = await store.claim_due(lease, lease + timedelta(minutes=5), ["test"], 10)
    assert [r.key for r in again] == ["k1"]  # the lease expired: claimable again


async def test_cancel_by_kind_prefix(store: SqlStore) -> None:
    pid = await _participant(store)
    await store.enqueue(pid, "reminder", NOW, {}, "a", now=NOW)
    await store.enqueue(pid, "reminder.passed", NOW, {}, "b", now=NOW)
    await store.enqueue(pid, "incentive", NOW, {}, "c", now=NOW)
    assert await store.cancel_pending(pid, "reminder") == 2
    counts = {(c.kind, c.state): c.count for c in await store.outbox_counts()}
    assert counts == {
        ("incentive", "pending"): 1,
        ("reminder", "cancelled"): 1,
        ("reminder.passed", "cancelled"): 1,
    }
    assert await store.next_due() == NOW


async def test_an_outcome_is_recorded_only_on_a_row_still_being_sent(store: SqlStore) -> None:
    """A late outcome (a process whose lease expired while another instance took the row over
    and finished it) must not overwrite what happened since."""
    pid = await _participant(store)
    await store.enqueue(pid, "reminder", NOW, {}, "k1", now=NOW)
    [row] = await store.claim_due(NOW, NOW + timedelta(minutes=5), ["test"], 10)
    await store.record_outcomes([Outcome(row.id, "sent", message_ids=("m1",))], NOW)
    later = NOW + timedelta(minutes=6)
    await store.record_outcomes([Outcome(row.id, "failed", error="late")], later)
    await store.record_outcomes([Outcome(row.id, "pending", due_at=later)], later)
    found = await store.db.fetchone(
        "SELECT state, attempts, last_error, message_ids FROM outbox WHERE id = ?", (row.id,)
    )
    assert found is not None
    assert (found[0], found[1], found[2], found[3]) == ("sent", 1, None, "m1")


def test_outbox_command(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def seed() -> None:
        store = await SqliteStore.open(str(db_path))
        pid = await _participant(store)
        await store.enqueue(pid, "reminder", NOW, {}, "a", now=NOW)
        await store.enqueue(pid, "reminder", NOW + timedelta(days=1), {}, "b", now=NOW)
        await store.close()

    asyncio.run(seed())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db_path}")
    result = CliRunner().invoke(main, ["outbox"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["kind", "pending", "sending", "sent", "failed", "cancelled"]
    assert lines[1].split() == ["reminder", "2", "0", "0", "0", "0"]
    assert lines[-1] == "next due (UTC): 2021-11-23T02:00:00+00:00"
