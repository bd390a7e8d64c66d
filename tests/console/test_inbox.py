"""The inbox's rules (issue 20 §2) and what went out and what is kept (§3), without a browser:
priority, round-robin under a cap, response figures, the satisfaction question (WhatsApp only
inside the window), delivery counts from WhatsApp statuses, consent at onboarding, the purge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.console.inbox import listing, round_robin
from bot.console.retention import purge
from bot.conversation.consent import ConsentRecorder
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Participant
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker
from bot.storage.outbox import Outcome
from bot.storage.segments import Segment
from bot.storage.store import SqlStore
from handlers import satisfaction
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from handlers.router import route
from tests.conftest import onboard
from tests.console.conftest import TOKEN
from tests.console.helpers import Client, add_participant, at, login
from tests.fakes.senders import RecordingSender
from tests.helpers import Chat


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


async def _handoff(store: SqlStore, clock: FakeClock, user: str, *said: str, **kw: object) -> int:
    p = await add_participant(store, user, **kw)
    assert p.id is not None
    hid = await store.open_handoff(p.id, "asked", clock.now())
    for text in said:
        await store.add_handoff_message(hid, text, clock.now())
    return hid


async def test_money_deadline_and_distress_come_first_then_the_oldest(
    store: SqlStore, clock: FakeClock
) -> None:
    plain = await _handoff(store, clock, "a", "mau tanya soal sertifikat")
    clock.advance(timedelta(minutes=5))
    money = await _handoff(store, clock, "b", "dana insentif belum masuk")
    clock.advance(timedelta(minutes=5))
    soon = await _handoff(
        store, clock, "c", "halo", deadline_utc=clock.now() + timedelta(hours=20)
    )
    clock.advance(timedelta(minutes=5))
    upset = await _handoff(store, clock, "d", "tolong saya bingung banget!!!")
    rows = await store.inbox_rows()
    order = listing(rows, "all", "ana", clock.now())
    assert [x.row.handoff.id for x in order] == [money, soon, upset, plain]
    assert [x.why for x in order[:3]] == [("money",), ("deadline",), ("distress",)]
    oldest = listing(rows, "waiting", "ana", clock.now())
    assert [x.row.handoff.id for x in oldest] == [plain, money, soon, upset]
    assert order[0].row.last_text == "dana insentif belum masuk"


def test_round_robin_shares_out_under_a_cap() -> None:
    plan = round_robin([1, 2, 3, 4, 5], [("budi", 0), ("cici", 1)], cap=2)
    assert plan == [(1, "budi"), (2, "budi"), (3, "cici")]  # budi to 2, cici to 2; 4, 5 wait
    assert round_robin([1], [], cap=5) == []


async def test_agents_on_shift_get_waiting_handoffs(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    for user in "abc":
        await _handoff(store, clock, user, "halo")
    budi = await store.operator("budi")
    assert budi is not None
    await store.add_operator("cici", "agent", budi.password_hash, clock.now())
    await store.set_on_shift("cici", True)
    csrf = await login(client, "budi")  # off shift: cici gets what waits
    assert [h.taken_by for h in await store.active_handoffs()] == ["cici"] * 3
    await _handoff(store, clock, "d", "halo")
    await _handoff(store, clock, "e", "halo")
    await client.post("/console/shift", data={"csrf": csrf, "on": "1"})  # budi starts
    held = [h.taken_by for h in await store.active_handoffs()]
    assert held == ["cici"] * 3 + ["budi"] * 2  # the fewest first: budi (0) takes both
    mine = await (await client.get("/console/handoffs?show=mine")).text()
    assert mine.count('data-id="') == 2
    actions = [e.action for e in await store.audit_entries()]
    assert "handoff_assign" in actions and "shift" in actions


async def test_the_cap_leaves_the_rest_unassigned(
    client: Client, store: SqlStore, clock: FakeClock, console: object
) -> None:
    from bot.console.app import Console

    assert isinstance(console, Console)
    console.settings["agent_cap"] = 1
    for user in "ab":
        await _handoff(store, clock, user, "halo")
    csrf = await login(client, "budi")
    await client.post("/console/shift", data={"csrf": csrf, "on": "1"})
    page = await (await client.get("/console/handoffs?show=unassigned")).text()
    assert page.count('data-id="') == 1


async def test_figures_per_day_and_agent_and_the_satisfaction_answer(
    client: Client, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    chat = Chat(Engine(store, program, clock, route), clock)
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    found = await store.get_participant("test", "u1")
    assert found is not None and found.id is not None
    hid = await store.current_handoff(found.id)
    assert hid is not None
    csrf = await login(client, "budi")
    clock.advance(timedelta(minutes=12))
    await client.post(f"/console/handoffs/{hid}/reply", data={"csrf": csrf, "text": "Siap"})
    clock.advance(timedelta(minutes=18))
    await client.post(f"/console/handoffs/{hid}/close", data={"csrf": csrf})
    clock.advance(timedelta(seconds=5))
    sent = await _deliver(store, program, clock)
    texts = [r.text for m in sent.sent for r in m.replies]
    assert any("Apakah tim kami sudah membantumu" in t for t in texts)
    asked = [r for m in sent.sent for r in m.replies if r.options]
    assert [o.id for o in asked[-1].options] == ["csat:good", "csat:bad"]
    await chat.press_any("csat:good")  # the question came through the outbox
    assert "Terima kasih sudah memberi tahu kami" in chat.text
    page = await (await client.get("/console/handoffs-figures?days=1")).text()
    agent = page.split('id="per-agent"')[1]
    assert "budi" in agent and "12 mnt" in agent and "30 mnt" in agent and "👍 1" in agent


def test_the_satisfaction_question_waits_for_no_template_on_whatsapp() -> None:
    now = at(0)
    p = Participant(
        channel="whatsapp",
        user_id="x",
        chat_id="x",
        locale="id",
        timezone="Asia/Jakarta",
        ref_code="PK-X",
        created_at=now,
    )
    assert not satisfaction.applies(p, {}, now)  # never wrote: no window
    p.last_inbound_at = now - timedelta(hours=2)
    assert satisfaction.applies(p, {}, now)
    p.last_inbound_at = now - timedelta(hours=25)
    assert not satisfaction.applies(p, {}, now)
    p.channel = "telegram"
    assert satisfaction.applies(p, {}, now)


async def test_delivery_counts_come_from_whatsapp_statuses(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    people = [await add_participant(store, u) for u in "abcdef"]
    bid = await store.create_broadcast(
        "ana", "Halo", None, Segment(wave=22), True, clock.now(), 6, clock.now()
    )
    rows = [(p.id or 0, clock.now()) for p in people]
    await store.enqueue_broadcast_rows(bid, rows, {"broadcast": bid}, 9, True, clock.now())
    claimed = await store.claim_due(clock.now(), clock.now() + timedelta(minutes=1), ["test"], 9)
    outbox = sorted(row.id for row in claimed)
    failed = Outcome(outbox[4], "failed", "whatsapp 132001: template")
    sent = [Outcome(row_id, "sent") for row_id in outbox[:4]]
    await store.record_outcomes([*sent, failed, Outcome(outbox[5], "pending")], clock.now())
    for n, status in enumerate(["delivered", "read", "sent"]):
        await store.whatsapp_record_sent([f"w{n}"], outbox[n], clock.now())
        await store.whatsapp_record_status(f"w{n}", status, clock.now())
    await store.whatsapp_record_sent(["w3"], outbox[3], clock.now())
    await store.whatsapp_record_status("w3", "failed", clock.now(), 131026, "undeliverable")
    report = (await store.delivery_report(broadcast_id=bid))["broadcast"]
    assert (report.queued, report.sent, report.delivered, report.read) == (1, 4, 2, 1)
    assert report.failed == 2
    assert dict(report.reasons) == {"not_on_whatsapp": 1, "template_rejected": 1}
    await login(client, "ana")
    page = await (await client.get(f"/console/broadcasts/{bid}")).text()
    assert "tidak memakai WhatsApp: 1" in page and "template ditolak: 1" in page
    csv = await (await client.get(f"/console/broadcasts/{bid}/delivery.csv")).text()
    assert csv.splitlines()[1].startswith("broadcast,1,4,2,1,2,0,0,1,1,0,0")
    api = await client.get(
        f"/admin/broadcasts/{bid}", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    counts = (await api.json())["delivery"]["broadcast"]
    assert (counts["delivered"], counts["read"], counts["failed_not_on_whatsapp"]) == (2, 1, 1)
    p = people[0]
    assert p.id is not None
    hid = await store.open_handoff(p.id, "asked", clock.now())
    await store.reply_handoff(hid, "ana", "Halo", clock.now())
    kinds = await (await client.get("/console/delivery?days=1")).text()
    assert 'data-kind="handoff"' in kinds and 'data-kind="broadcast"' not in kinds


async def test_consent_is_stored_at_onboarding(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    recorder = ConsentRecorder(store, clock, program.program.privacy_notice)
    chat = Chat(Engine(store, program, clock, route, observers=[recorder]), clock)
    await chat.send("/start")
    clock.advance(timedelta(minutes=3))
    await onboard(chat)
    found = await store.get_participant("test", "u1")
    assert found is not None and found.id is not None
    assert await store.consent(found.id) == (program.program.privacy_notice, at(0))
    assert await store.consent_counts() == {program.program.privacy_notice: 1}


async def test_the_purge_deletes_what_is_past_its_time(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    old = await add_participant(store, "old", last_inbound_at=at(-200))
    keep = await add_participant(store, "keep", last_inbound_at=at(0))
    assert old.id is not None and keep.id is not None
    await store.record_unknown(keep.id, "lama", [], "menu", at(-100))
    await store.record_unknown(keep.id, "baru", [], "menu", at(-10))
    gone = await store.open_handoff(keep.id, "asked", at(-120))
    await store.close_handoff(gone, "budi", at(-95))
    await login(client, "ana")
    shown = await (await client.get("/console/privacy")).text()
    assert "90 hari" in shown and "1 pesan, 1 percakapan" in shown
    found = await purge(store, clock, 90)
    assert found == {"unknown": 1, "handoffs": 1, "feedback": 0, "participants": 0}
    assert [m.text for m in await store.list_unknown(10)] == ["baru"]
    assert await store.handoff(gone) is None
    # before the program's end nobody is deleted; after it, the silent ones are
    assert (await purge(store, clock, 90, date(2021, 12, 31)))["participants"] == 0
    found = await purge(store, clock, 90, date(2021, 11, 1))
    assert found["participants"] == 1
    assert await store.participant_by_id(old.id) is None
    assert await store.participant_by_id(keep.id) is not None
    assert "retention_purge" in [e.action for e in await store.audit_entries()]


@pytest.mark.parametrize("days", [1, 7])
async def test_notes_stay_inside_and_saved_replies_fill_the_box(
    client: Client, store: SqlStore, clock: FakeClock, days: int
) -> None:
    hid = await _handoff(store, clock, "a", "halo")
    csrf = await login(client, "ana")
    await client.post(
        "/console/replies",
        data={"csrf": csrf, "topic": "general", "title": "Salam", "text": "Halo, kami bantu ya."},
    )
    rid = (await store.saved_replies())[0].id
    page = await (await client.get(f"/console/handoffs/{hid}?reply={rid}")).text()
    assert ">Halo, kami bantu ya.</textarea>" in page
    await client.post(f"/console/handoffs/{hid}/note", data={"csrf": csrf, "text": "cek KTP"})
    assert [n.text for n in await store.notes(hid)] == ["cek KTP"]
    p = await store.get_participant("test", "a")
    assert p is not None and p.id is not None
    assert await store.participant_outbox(p.id) == []  # a note is never sent
    assert days


async def test_what_the_bot_tried_names_pasted_statuses_and_flagged_messages(
    client: Client, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    chat = Chat(Engine(store, program, clock, route), clock)
    await onboard(chat)
    await chat.send('status insentif saya "dalam pengecekan" terus, kenapa ya kak?')
    await chat.send("mau ngomong sama admin aja")
    found = await store.get_participant("test", "u1")
    assert found is not None and found.id is not None
    await store.record_flagged(
        found.id, "kirim kode ke nomor ini", ["asks_code"], False, clock.now()
    )
    hid = await store.current_handoff(found.id)
    await login(client, "budi")
    page = await (await client.get(f"/console/handoffs/{hid}")).text()
    tried = page.split('id="tried"')[1].split("</ul>")[0]
    assert "“dalam pengecekan”" in tried
    assert "1 pesan ditandai" in tried and "asks_code" in tried
