"""Broadcasts: recipients (who stopped reminders only for a program notice), rows enqueued in
batches, paced and out of quiet hours, delivered in each participant's language, progress,
and a broadcast cancelled half way."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.console.app import Console
from bot.console.sending import BroadcastJob
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker
from bot.storage.segments import Segment
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from tests.console.helpers import Client, add_participant, csrf_of, login
from tests.fakes.senders import RecordingSender


async def _people(store: SqlStore, n: int = 10) -> None:
    for i in range(n):
        await add_participant(store, f"p{i}", locale="en" if i == 0 else "id")
    await add_participant(store, "quiet", reminders_enabled=False)
    await add_participant(store, "gone", unreachable=True)
    await add_participant(store, "other", wave=5)


async def _deliver(store: SqlStore, program: Program, clock: FakeClock) -> RecordingSender:
    sender = RecordingSender("test")
    await DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, all_notices()),
        {"test": sender},
    ).run_once()
    return sender


async def test_recipients_leave_out_who_stopped_reminders_unless_a_notice(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await _people(store)
    job = BroadcastJob(store, program, clock, {"test": 50.0})
    assert await job.recipients(Segment(wave=22), notice=False) == 10
    assert await job.recipients(Segment(wave=22), notice=True) == 11  # never the unreachable


async def test_rows_are_enqueued_in_batches_paced_and_sent_in_each_language(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await _people(store)
    job = BroadcastJob(store, program, clock, {"test": 5.0}, batch=3)
    bid, count = await job.create("ana", Segment(wave=22), "Halo semua", "Hello all", False, None)
    await job.wait()
    found = await store.broadcast(bid)
    assert found is not None and (found.state, found.enqueued, count) == ("queued", 10, 10)
    assert (await store.broadcast_progress(bid))["pending"] == 10
    dues = [
        datetime.fromisoformat(r[0])
        for r in await store.db.fetchall(
            "SELECT due_at FROM outbox WHERE kind = 'broadcast' ORDER BY due_at"
        )
    ]
    assert dues[1] - dues[0] == timedelta(seconds=0.25)  # 80 % of 5 per second
    clock.advance(timedelta(seconds=10))
    sender = await _deliver(store, program, clock)
    texts = sorted(m.replies[0].text for m in sender.sent)
    assert texts == ["Halo semua"] * 9 + ["Hello all"]
    assert (await store.broadcast_progress(bid))["sent"] == 10


async def test_a_broadcast_at_night_waits_for_the_end_of_the_quiet_hours(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await _people(store, 2)
    job = BroadcastJob(store, program, clock, {"test": 50.0})
    night = datetime.fromisoformat("2021-11-20T23:30:00+07:00")
    await job.create("ana", Segment(wave=22), "Info", None, False, night)
    await job.wait()
    row = await store.db.fetchone("SELECT MIN(due_at) FROM outbox")
    assert row is not None
    first = datetime.fromisoformat(row[0])
    assert first > night and first.astimezone(night.tzinfo).hour >= 6


async def test_a_broadcast_cancelled_half_way(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await _people(store)
    job = BroadcastJob(store, program, clock, {"test": 5.0}, batch=4)
    bid, _ = await job.create("ana", Segment(wave=22), "Halo", None, False, None)
    await job.wait()
    clock.advance(timedelta(seconds=1))  # rows 0-4 are due (4 per second)
    sender = await _deliver(store, program, clock)
    assert len(sender.sent) == 5
    assert await store.cancel_broadcast(bid, clock.now()) == 5
    assert await store.cancel_broadcast(bid, clock.now()) is None
    clock.advance(timedelta(hours=1))
    assert len((await _deliver(store, program, clock)).sent) == 0
    assert await store.broadcast_progress(bid) == {
        "pending": 0,
        "sending": 0,
        "sent": 5,
        "failed": 0,
        "cancelled": 5,
    }


async def test_cancelled_while_enqueueing_adds_nothing_more(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await _people(store)
    job = BroadcastJob(store, program, clock, {"test": 5.0}, batch=3)
    bid = await store.create_broadcast(
        "ana", "Halo", None, Segment(wave=22), False, clock.now(), 10, clock.now()
    )
    found = await store.broadcast(bid)
    assert found is not None
    await store.cancel_broadcast(bid, clock.now())
    await job.enqueue(bid)
    assert sum((await store.broadcast_progress(bid)).values()) == 0


async def test_who_stops_reminders_after_it_was_queued_is_left_out(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await _people(store, 2)
    job = BroadcastJob(store, program, clock, {"test": 50.0})
    bid, _ = await job.create("ana", Segment(wave=22), "Halo", None, False, None)
    notice, _ = await job.create("ana", Segment(wave=22), "Penting", None, True, None)
    await job.wait()
    stopped = await store.get_participant("test", "p1")
    assert stopped is not None
    stopped.reminders_enabled = False
    await store.save_participant(stopped)
    clock.advance(timedelta(seconds=5))
    await _deliver(store, program, clock)
    assert (await store.broadcast_progress(bid))["sent"] == 1
    assert (await store.broadcast_progress(notice))["sent"] == 3


async def test_the_broadcast_pages(
    store: SqlStore, client: Client, console: Console, program: Program, clock: FakeClock
) -> None:
    await _people(store)
    csrf = await login(client, "ana")
    form = {
        "csrf": csrf,
        "text": "Jangan lupa beli pelatihan",
        "text_en": "Buy a training",
        "wave": "22",
        "purchased": "false",
        "at": "",
    }
    preview = await client.post("/console/broadcasts/preview", data=form)
    page = await preview.text()
    assert "Siaran ini menjangkau 10 peserta." in page
    assert "Jangan lupa beli pelatihan" in page and "Buy a training" in page
    bad = await client.post("/console/broadcasts/preview", data={**form, "wave": "x"})
    assert bad.status == 400 and "Gelombang: harus bilangan bulat" in await bad.text()
    created = await client.post("/console/broadcasts", data=form)
    assert created.status == 200 and "/console/broadcasts/" in str(created.url)
    await console.broadcasts.wait()
    clock.advance(timedelta(seconds=1))
    await _deliver(store, program, clock)
    page = await (await client.get(str(created.url.path))).text()
    assert 'id="sent">' in page
    cancel = await client.post(f"{created.url.path}/cancel", data={"csrf": csrf_of(page)})
    assert cancel.status == 200
    actions = [e.action for e in await store.audit_entries()]
    assert actions[:2] == ["broadcast_cancel", "broadcast_create"]


async def test_a_form_without_the_filters_does_not_mean_everyone(
    store: SqlStore, client: Client
) -> None:
    await _people(store)
    csrf = await login(client, "ana")
    bare = {"csrf": csrf, "text": "Halo"}
    for path in ("/console/broadcasts/preview", "/console/broadcasts"):
        response = await client.post(path, data=bare)
        assert response.status == 400
        assert "Pilih dulu penerimanya" in await response.text()
    assert await store.broadcasts() == []
    blank = {**bare, "wave": "", "purchased": ""}  # the form's "any" everywhere: everyone
    preview = await client.post("/console/broadcasts/preview", data=blank)
    assert preview.status == 200 and "Siaran ini menjangkau" in await preview.text()
    wrong = await client.post("/console/broadcasts/preview", data={**blank, "purchased": "x"})
    assert (
        wrong.status == 400 and "Sudah beli pelatihan: harus ya atau tidak" in await wrong.text()
    )


async def test_the_preview_says_when_whatsapps_daily_limit_lets_the_last_template_go(
    store: SqlStore, client: Client, console: Console, clock: FakeClock
) -> None:
    for i in range(5):  # silent for days: each needs a template
        await add_participant(store, f"62811{i}", channel="whatsapp", last_inbound_at=None)
    recent = clock.now() - timedelta(hours=2)  # inside the window: a session message
    await add_participant(store, "628119", channel="whatsapp", last_inbound_at=recent)
    await add_participant(store, "tg", channel="telegram")
    csrf = await login(client, "ana")
    form = {"csrf": csrf, "text": "Info program", "text_en": "", "wave": "22", "at": ""}
    console.settings["whatsapp_tier"] = 2
    page = await (await client.post("/console/broadcasts/preview", data=form)).text()
    assert 'id="tier"' in page and "WhatsApp: 5" in page  # 5 templates, 2 a day: 3 days
    last = clock.now() + timedelta(days=2)  # the last goes on the third day from the start
    assert str(last.day) in page.split('id="tier"')[1].split("</p>")[0]
    console.settings["whatsapp_tier"] = 250
    page = await (await client.post("/console/broadcasts/preview", data=form)).text()
    assert 'id="tier"' not in page  # within the limit: nothing to say
