"""Examples attached to entries, reload versions and "did this help?" votes, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage.store import SqlStore
from tests.storage.test_memory import _participant

T0 = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)


async def test_examples_attached_moved_listed_up_to_a_version(store: SqlStore) -> None:
    pid = await _participant(store)
    kept = await store.record_unknown(pid, "akun sy kena suspend", [], "menu", T0)
    assert await store.kb_version() is None
    first = await store.attach_example(
        "id", "akun-diblokir", "akun sy kena suspend", "ana", T0, kept
    )
    version = await store.request_kb_version("ana", T0 + timedelta(minutes=1))
    assert (version.version, version.upto) == (1, first)
    later = await store.attach_example("id", "sambung-gagal", "ovo ga nyambung", "ana", T0)
    # the same text attached to another entry moves (one row per text and locale)
    moved = await store.attach_example(
        "id", "admin-palsu", "akun sy kena suspend", "ana", T0, kept
    )
    assert moved == first
    assert [(e.entry_id, e.text) for e in await store.taught_examples(upto=version.upto)] == [
        ("admin-palsu", "akun sy kena suspend")
    ]
    assert [e.id for e in await store.taught_examples()] == [first, later]
    assert (await store.examples_of_unknown([kept, 999]))[kept].entry_id == "admin-palsu"
    again = await store.request_kb_version("budi", T0 + timedelta(minutes=2))
    assert (again.version, again.upto) == (2, later)
    newest = await store.kb_version()
    assert newest is not None and (newest.version, newest.operator) == (2, "budi")
    assert await store.remove_example(later) and not await store.remove_example(later)
    # the participant's data deleted: the operator's (redacted) example stays, unlinked
    await store.delete_participant(pid)
    assert [(e.id, e.unknown_id) for e in await store.taught_examples()] == [(first, None)]


async def test_feedback_asked_voted_once_and_listed(store: SqlStore) -> None:
    one, two = await _participant(store), await _participant(store, "u2")
    assert await store.feedback_ask(one) is None
    await store.ask_feedback(one, "kb:otp-tidak-masuk", "otp ga masuk2", T0)
    ask = await store.feedback_ask(one)
    assert ask is not None and (ask.answer, ask.text, ask.voted) == (
        "kb:otp-tidak-masuk",
        "otp ga masuk2",
        False,
    )
    assert not await store.vote_feedback(one, "kb:other", False, T0)  # not what was asked
    assert await store.vote_feedback(one, "kb:otp-tidak-masuk", False, T0)
    assert not await store.vote_feedback(one, "kb:otp-tidak-masuk", True, T0)  # second tap
    ask = await store.feedback_ask(one)
    assert ask is not None and ask.voted and ask.text is None  # the message moved to the vote
    await store.ask_feedback(two, "kb:otp-tidak-masuk", "kode otp belum dtg", T0)
    assert await store.vote_feedback(two, "kb:otp-tidak-masuk", True, T0)
    await store.ask_feedback(two, "topic:survey", "survei dmn", T0 + timedelta(days=1))
    assert await store.vote_feedback(two, "topic:survey", False, T0 + timedelta(days=1))
    disliked = await store.most_disliked(T0 - timedelta(days=1))
    assert [(d.answer, d.down, d.up) for d in disliked] == [  # a tie: fewer 👍 first
        ("topic:survey", 1, 0),
        ("kb:otp-tidak-masuk", 1, 1),
    ]
    assert [text for _, text in disliked[1].messages] == ["otp ga masuk2"]  # 👍 keeps no text
    assert await store.feedback_totals(T0 - timedelta(days=1)) == (1, 2)
    await store.delete_participant(one)
    assert [d.answer for d in await store.most_disliked(T0 - timedelta(days=1))] == [
        "topic:survey"
    ]


async def test_old_feedback_messages_purged_votes_kept(store: SqlStore) -> None:
    pid = await _participant(store)
    await store.ask_feedback(pid, "kb:a", "pesan lama", T0)
    await store.vote_feedback(pid, "kb:a", False, T0)
    await store.ask_feedback(pid, "kb:b", "pesan baru", T0 + timedelta(days=100))
    assert await store.purge_feedback(T0 + timedelta(days=90)) == 1
    (old,) = await store.most_disliked(T0 - timedelta(days=1))
    assert (old.answer, old.down, old.messages) == ("kb:a", 1, ())
    ask = await store.feedback_ask(pid)
    assert ask is not None and ask.text == "pesan baru"  # the newer question stays
    assert await store.purge_feedback(T0 + timedelta(days=200)) == 1  # the ask, now old
    assert await store.feedback_ask(pid) is None
