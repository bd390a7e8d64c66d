"""The console's SQL on both stores (SQLite, PostgreSQL): operators, lock-out, sessions, the
audit log, segments and the funnel, a handoff's states, a broadcast's rows, and /hapus."""

from __future__ import annotations

from datetime import timedelta

from bot.core.benefits import Item, Source, Status
from bot.core.domain import Step
from bot.storage.segments import Segment
from bot.storage.store import SqlStore
from tests.console.helpers import add_participant, at
from tests.helpers import WIB_START

NOW = WIB_START


async def test_operators_sessions_and_the_audit_log(store: SqlStore) -> None:
    assert await store.add_operator("ana", "admin", "$argon2id$x", NOW)
    assert not await store.add_operator("ana", "agent", "$argon2id$y", NOW)
    ana = await store.operator("ana")
    assert ana is not None and ana.role == "admin"
    locked = [
        await store.record_login_failure(
            ana.id, NOW, NOW - timedelta(minutes=15), 5, NOW + timedelta(minutes=15)
        )
        for _ in range(5)
    ]
    assert locked == [False, False, False, False, True]
    found = await store.operator("ana")
    assert found is not None and found.locked_until == NOW + timedelta(minutes=15)
    await store.create_session("h1", ana.id, "csrf", NOW, NOW + timedelta(hours=12))
    session = await store.session("h1")
    assert session is not None and session.operator.name == "ana" and session.csrf == "csrf"
    await store.touch_session("h1", NOW + timedelta(minutes=5))
    assert await store.set_operator_password("ana", "$argon2id$z")
    assert await store.session("h1") is None  # a new password ends the sessions
    p = await add_participant(store, "u1")
    await store.audit("ana", "participant_view", NOW, {"n": 1}, p.id)
    entry = (await store.audit_entries())[0]
    assert (entry.operator, entry.action, entry.participant_id, entry.detail) == (
        "ana",
        "participant_view",
        p.id,
        {"n": 1},
    )
    assert await store.remove_operator("ana") and await store.operators() == []


async def test_segments_and_the_funnel(store: SqlStore) -> None:
    a = await add_participant(store, "a", progress={"dashboard": at(0), "purchase": at(0)})
    b = await add_participant(store, "b", wave=5, scheme="2022", deadline_utc=at(-1))
    c = await add_participant(
        store, "c", channel="whatsapp", phone="+6281234567890", deadline_utc=at(2)
    )
    assert a.id is not None
    paid = Item("incentive.1", "incentive", 1, 600_000, Status.PAID, at(1).date(), "OVO")
    await store.change_benefit_item(a.id, paid, Source.OPERATOR, NOW)
    cases = [
        (Segment(wave=22), {a.id, c.id}),
        (Segment(scheme="2022"), {b.id}),
        (Segment(channel="whatsapp"), {c.id}),
        (Segment(query="+6281234567890"), {c.id}),
        (Segment(query=a.ref_code), {a.id}),
        (Segment(step="dashboard"), {a.id}),
        (Segment(step="incentive_paid"), {a.id}),
        (Segment(purchased=False), {b.id, c.id}),
        (Segment(deadline_days=3), {c.id}),
        (Segment(deadline_passed=True), {b.id}),
        (Segment(incentive_status="paid"), {a.id}),
    ]
    for segment, expected in cases:
        assert {p.id for p in await store.list_segment(segment, NOW)} == expected, segment
        assert await store.count_segment(segment, NOW) == len(expected), segment
    counts = await store.funnel(Segment(), NOW)
    assert (counts["participants"], counts["onboarded"], counts["purchase"]) == (3, 3, 1)
    assert (counts["incentive_paid"], counts["deadline_passed_without_purchase"]) == (1, 1)
    assert (await store.funnel(Segment(wave=22), NOW))["participants"] == 2


async def test_a_handoff_from_open_to_closed(store: SqlStore) -> None:
    p = await add_participant(store, "u1", step=Step.HANDOFF)
    assert p.id is not None
    hid = await store.open_handoff(p.id, "asked for a person", NOW)
    assert await store.open_handoff(p.id, "again", NOW) == hid  # one at a time
    await store.add_handoff_message(hid, "akun saya ▒ diblokir", NOW + timedelta(minutes=1))
    assert await store.take_handoff(hid, "budi", NOW)
    assert await store.reply_handoff(hid, "budi", "Kami cek ya", NOW + timedelta(minutes=9))
    found = await store.handoff(hid)
    assert found is not None and (found.state, found.taken_by, found.waiting_since) == (
        "taken",
        "budi",
        None,
    )
    assert [h.id for h in await store.active_handoffs()] == [hid]
    assert await store.close_handoff(hid, "budi", NOW + timedelta(minutes=10))
    assert await store.count_active_handoffs() == 0
    back = await store.participant_by_id(p.id)
    assert back is not None and back.step == Step.MENU
    kinds = [kind for kind, _, _ in await store.upcoming(p.id, "handoff", NOW - timedelta(1))]
    assert kinds == ["handoff", "handoff"]  # the reply and the "bot is back" note
    assert [m.author for m in await store.handoff_messages(hid)] == ["participant", "operator"]
    await store.delete_participant(p.id)
    assert await store.handoff(hid) is None and await store.handoff_messages(hid) == []


async def test_a_broadcasts_rows_progress_and_cancel(store: SqlStore) -> None:
    ids = [(await add_participant(store, f"p{i}")).id for i in range(4)]
    await add_participant(store, "quiet", reminders_enabled=False)
    segment = Segment(wave=22)
    bid = await store.create_broadcast("ana", "Halo", None, segment, False, NOW, 4, NOW)
    batch = await store.broadcast_candidates(segment, False, NOW, 0, 3)
    assert [pid for pid, _, _ in batch] == ids[:3]
    rows = [(pid, NOW + timedelta(seconds=n)) for n, (pid, _, _) in enumerate(batch)]
    assert await store.enqueue_broadcast_rows(
        bid, rows, {"text": "Halo"}, batch[-1][0], False, NOW
    )
    rest = await store.broadcast_candidates(segment, False, NOW, batch[-1][0], 3)
    assert [pid for pid, _, _ in rest] == ids[3:]
    assert await store.enqueue_broadcast_rows(
        bid, [(rest[0][0], NOW)], {"text": "Halo"}, rest[0][0], True, NOW
    )
    found = await store.broadcast(bid)
    assert found is not None and (found.state, found.enqueued) == ("queued", 4)
    assert await store.enqueueing_broadcasts() == []
    assert (await store.broadcast_progress(bid))["pending"] == 4
    assert await store.cancel_broadcast(bid, NOW) == 4
    assert (await store.broadcast_progress(bid))["cancelled"] == 4
    assert not await store.enqueue_broadcast_rows(bid, [], {}, 0, True, NOW)
