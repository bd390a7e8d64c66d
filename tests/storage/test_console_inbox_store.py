"""Issue 20's SQL on both stores: the login throttle, import runs, broadcast form tokens,
delivery counts, consent, the purge, the inbox (rows, notes, saved replies, shifts,
assignment, figures, the satisfaction answer) and the capped count."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.outbox import Outcome
from bot.storage.segments import Segment
from bot.storage.store import SqlStore
from tests.console.helpers import add_participant
from tests.helpers import WIB_START

NOW = WIB_START


async def test_throttle_counts_start_over_and_are_forgiven(store: SqlStore) -> None:
    keys = ["pair:ana|1.2.3.4", "addr:1.2.3.4"]
    for minutes in (0, 1, 2):
        await store.count_login_failure(
            keys, NOW + timedelta(minutes=minutes), NOW - timedelta(days=1)
        )
    found = await store.login_failures_of(keys)
    assert found["pair:ana|1.2.3.4"] == (3, NOW + timedelta(minutes=2))
    later = NOW + timedelta(days=2)
    await store.count_login_failure(keys[:1], later, later - timedelta(days=1))
    assert (await store.login_failures_of(keys))["pair:ana|1.2.3.4"][0] == 1
    await store.clear_login_failures(prefix="pair:ana|")
    assert list(await store.login_failures_of(keys)) == ["addr:1.2.3.4"]


async def test_import_runs_and_form_tokens(store: SqlStore) -> None:
    rows = [(2, {"phone": "0812", "item": "incentive.1"})]
    await store.keep_import("t1", "ana", rows, NOW, NOW - timedelta(minutes=30))
    assert await store.take_import("t1", "budi", NOW) is None  # another operator's
    assert await store.take_import("t1", "ana", NOW) == rows
    assert await store.take_import("t1", "ana", NOW) is None  # once
    first = await store.create_broadcast("ana", "Hi", None, Segment(), False, NOW, 0, NOW, "f1")
    again = await store.create_broadcast("ana", "Hi", None, Segment(), False, NOW, 0, NOW, "f1")
    assert first == again and len(await store.broadcasts()) == 1
    found = await store.broadcast_by_form_token("f1")
    assert found is not None and found.id == first


async def test_delivery_consent_and_the_purge(store: SqlStore) -> None:
    people = [await add_participant(store, u, last_inbound_at=NOW) for u in "abc"]
    bid = await store.create_broadcast("ana", "Hi", None, Segment(), True, NOW, 3, NOW)
    rows = [(p.id or 0, NOW) for p in people]
    await store.enqueue_broadcast_rows(bid, rows, {"broadcast": bid}, 9, True, NOW)
    claimed = sorted(
        r.id for r in await store.claim_due(NOW, NOW + timedelta(minutes=1), ["test"], 9)
    )
    await store.record_outcomes([Outcome(claimed[0], "sent"), Outcome(claimed[1], "sent")], NOW)
    await store.whatsapp_record_sent(["w1"], claimed[0], NOW)
    await store.whatsapp_record_status("w1", "read", NOW)
    report = (await store.delivery_report(broadcast_id=bid))["broadcast"]
    assert (report.sent, report.delivered, report.read, report.queued) == (2, 1, 1, 1)
    await store.record_consent(people[0].id or 0, "v1", NOW)
    await store.record_consent(people[0].id or 0, "v1", NOW + timedelta(days=1))  # kept
    assert await store.consent(people[0].id or 0) == ("v1", NOW)
    assert await store.consent_counts() == {"v1": 1, "": 2}
    await store.record_unknown(people[1].id or 0, "lama", [], "menu", NOW - timedelta(days=100))
    old = await store.open_handoff(people[1].id or 0, "asked", NOW - timedelta(days=100))
    await store.close_handoff(old, "budi", NOW - timedelta(days=99))
    assert await store.kept_counts(NOW - timedelta(days=90)) == {"unknown": 1, "handoffs": 1}
    assert await store.purge_kept(NOW - timedelta(days=90)) == {"unknown": 1, "handoffs": 1}
    assert await store.inactive_participants(NOW + timedelta(seconds=1)) == [p.id for p in people]
    assert await store.count_segment_upto(Segment(), NOW, 2) == 3  # 2, and one more


async def test_the_inbox(store: SqlStore) -> None:
    await store.add_operator("budi", "agent", "$argon2id$x", NOW)
    a = await add_participant(store, "a", deadline_utc=NOW + timedelta(hours=3))
    hid = await store.open_handoff(a.id or 0, "asked", NOW)
    await store.add_handoff_message(hid, "dana belum masuk", NOW)
    [row] = await store.inbox_rows()
    assert (row.last_text, row.last_author, row.purchased) == (
        "dana belum masuk",
        "participant",
        False,
    )
    assert row.texts == ("dana belum masuk",) and row.deadline_utc == NOW + timedelta(hours=3)
    await store.add_note(hid, "budi", "cek", NOW)
    assert [n.text for n in await store.notes(hid)] == ["cek"]
    rid = await store.add_saved_reply("general", "Salam", "Halo", "ana", NOW)
    assert [r.title for r in await store.saved_replies()] == ["Salam"]
    assert await store.delete_saved_reply(rid) and await store.saved_replies() == []
    assert await store.set_on_shift("budi", True)
    assert await store.agents_on_shift() == [("budi", 0)]
    assert [h.id for h in await store.unassigned_handoffs()] == [hid]
    assert await store.assign_handoff(hid, "budi", NOW)
    assert not await store.assign_handoff(hid, "cici", NOW)  # someone has it
    assert await store.agents_on_shift() == [("budi", 1)]
    await store.reply_handoff(hid, "budi", "Siap", NOW + timedelta(minutes=7))
    await store.close_handoff(hid, "budi", NOW + timedelta(minutes=20))
    assert await store.rate_handoff(a.id or 0, "good", NOW) == hid
    assert await store.rate_handoff(a.id or 0, "bad", NOW) is None  # the first answer counts
    [timing] = await store.handoff_timings(NOW - timedelta(days=1))
    assert timing.agent == "budi" and timing.satisfaction == "good"
    assert timing.first_response_at == NOW + timedelta(minutes=7)
    story = await store.participant_story(a.id or 0, NOW - timedelta(days=1))
    assert story["told"] == [] and story["unknown"] == []
