"""Conversation memory and kept unknown messages: stored, listed, labelled, deleted by /hapus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.domain import Option, Participant
from bot.storage.base import Memory
from bot.storage.store import SqlStore
from tests.storage.conftest import Reopen

T0 = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)


async def _participant(store: SqlStore, user: str = "u1") -> int:
    saved = await store.save_participant(
        Participant(
            channel="test",
            user_id=user,
            chat_id=user,
            locale="id",
            timezone="Asia/Jakarta",
            ref_code=f"PK-{user.upper():0>6}",
            created_at=T0,
        )
    )
    assert saved.id is not None
    return saved.id


async def test_memory_round_trip_and_replace(store: SqlStore) -> None:
    pid = await _participant(store)
    assert await store.get_memory(pid) is None
    await store.save_memory(pid, Memory("otp", None, T0, repeats=1, data={"step": 0}))
    await store.save_memory(pid, Memory("otp", "escalated", T0 + timedelta(minutes=1), 2))
    found = await store.get_memory(pid)
    assert found is not None
    assert (found.topic, found.question, found.repeats, found.data) == ("otp", "escalated", 2, {})
    assert found.updated_at == T0 + timedelta(minutes=1)


async def test_unknown_messages_listed_labelled_exported(store: SqlStore) -> None:
    pid = await _participant(store)
    first = await store.record_unknown(pid, "resep rendang", [("greeting", 0.12)], "menu", T0)
    second = await store.record_unknown(pid, "apa itu ▒", [], "ask_wave", T0 + timedelta(hours=1))
    listed = await store.list_unknown(10)
    assert [m.id for m in listed] == [second, first]  # newest first
    assert listed[1].guesses == (("greeting", 0.12),) and listed[1].step == "menu"
    assert [m.id for m in await store.list_unknown(10, since=T0 + timedelta(minutes=30))] == [
        second
    ]
    assert await store.labelled_unknown() == []
    assert await store.label_unknown(first, "unknown")
    assert not await store.label_unknown(9999, "otp")
    labelled = await store.labelled_unknown()
    assert [(m.id, m.label) for m in labelled] == [(first, "unknown")]


async def test_deleting_a_participant_deletes_their_memory_and_messages(
    store: SqlStore,
) -> None:
    pid = await _participant(store)
    other = await _participant(store, "u2")
    await store.save_memory(pid, Memory("otp", None, T0))
    await store.record_unknown(pid, "hmm", [], "menu", T0)
    await store.record_unknown(other, "hmm juga", [], "menu", T0)
    await store.delete_participant(pid)
    assert await store.get_memory(pid) is None
    assert [m.participant_id for m in await store.list_unknown(10)] == [other]


async def test_shown_options_survive_a_restart_and_go_with_the_participant(
    store: SqlStore, reopen: Reopen
) -> None:
    """The terminal chat's numbered choices, kept per participant: another process on the
    same database reads what was shown last; a later reply replaces them; /hapus removes them."""
    pid = await _participant(store)
    second = await _participant(store, "u2")
    assert await store.shown_options("test", "u1") == ()
    menu = (Option("menu:dashboard", "Cek dashboard"), Option("menu:buy", "Beli pelatihan"))
    await store.save_shown_options("test", "u1", [Option("x", "lama")], T0)
    await store.save_shown_options("test", "u1", menu, T0 + timedelta(minutes=1))
    await store.save_shown_options("test", "u2", [Option("y", "punya u2")], T0)
    await store.save_shown_options("test", "nobody", menu, T0)  # no such participant: nothing
    other = await reopen()
    try:
        assert await other.shown_options("test", "u1") == menu
        assert await other.shown_options("test", "u2") == (Option("y", "punya u2"),)
        assert await other.shown_options("test", "nobody") == ()
        await other.save_shown_options("test", "u1", [], T0 + timedelta(minutes=2))
    finally:
        await other.close()
    assert await store.shown_options("test", "u1") == ()  # the last reply offered none
    await store.save_shown_options("test", "u1", menu, T0 + timedelta(minutes=3))
    await store.delete_participant(pid)
    assert await store.shown_options("test", "u1") == ()
    left = await store.db.fetchall("SELECT participant_id FROM shown_options")
    assert [r[0] for r in left] == [second]  # u2's only
