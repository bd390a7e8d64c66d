"""Handoffs: a participant asks for a person, their messages go to the inbox (commands and
safety warnings still work), an agent takes, replies (through the outbox) and closes it, and
the bot answers again; deleting the participant deletes the conversation."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Step
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from handlers.router import route
from tests.conftest import onboard
from tests.console.helpers import Client, add_participant, at, csrf_of, login
from tests.fakes.senders import RecordingSender
from tests.helpers import Chat

HOURS = "Senin–Jumat 08.00–17.00 WIB"


@pytest.fixture
def chat(store: SqlStore, program: Program, clock: FakeClock) -> Chat:
    engine = Engine(store, program, clock, route, extras={"handoff_hours": HOURS})
    return Chat(engine, clock)


async def _pid(store: SqlStore) -> int:
    found = await store.get_participant("test", "u1")
    assert found is not None and found.id is not None
    return found.id


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


async def test_asking_for_a_person_opens_a_handoff(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    assert HOURS in chat.text and "/batal" in chat.text
    pid = await _pid(store)
    handoff_id = await store.current_handoff(pid)
    assert handoff_id is not None
    found = await store.get_participant("test", "u1")
    assert found is not None and found.step == Step.HANDOFF
    await chat.send("kartu saya keblokir, pin saya 123456 gimana")  # a secret: warned, redacted
    assert "mengirim PIN" in chat.text and "123456" not in chat.text
    assert "Sudah diteruskan" in chat.text  # the person still gets the question, without the PIN
    await chat.send("akun saya diblokir sejak kemarin")
    assert "Sudah diteruskan" in chat.text
    await chat.send("/status")  # commands still work
    assert "Progresmu:" in chat.text
    messages = await store.handoff_messages(handoff_id)
    assert [m.text for m in messages] == [
        "kartu saya keblokir, pin saya ▒ gimana",
        "akun saya diblokir sejak kemarin",
    ]


async def test_agent_takes_replies_and_closes(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.send("saya mau bicara dengan petugas")
    pid = await _pid(store)
    handoff_id = await store.current_handoff(pid)
    assert handoff_id is not None
    handoff = await store.handoff(handoff_id)
    assert handoff is not None and handoff.state == "open"
    clock.advance(timedelta(minutes=42))
    assert handoff.waiting_s(clock.now()) == 42 * 60
    assert await store.take_handoff(handoff_id, "budi", clock.now())
    assert await store.reply_handoff(handoff_id, "budi", "Halo, saya Budi dari tim.", clock.now())
    answered = await store.handoff(handoff_id)
    assert answered is not None and answered.state == "taken" and answered.taken_by == "budi"
    assert answered.waiting_s(clock.now()) is None  # nothing unanswered
    sender = await _deliver(store, program, clock)
    assert "Halo, saya Budi dari tim." in sender.sent[0].replies[0].text
    assert await store.close_handoff(handoff_id, "budi", clock.now())
    assert not await store.close_handoff(handoff_id, "budi", clock.now())  # once
    assert not await store.reply_handoff(handoff_id, "budi", "late", clock.now())
    sender = await _deliver(store, program, clock)
    assert "Aku kembali" in sender.sent[0].replies[0].text
    await chat.send("kapan batas beli pelatihan saya")  # the bot answers again
    assert "Batas beli pelatihan pertamamu" in chat.text
    assert await store.current_handoff(pid) is None


async def test_a_handoff_closed_meanwhile_gives_the_menu_back(
    chat: Chat, store: SqlStore, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    handoff_id = await store.current_handoff(await _pid(store))
    assert handoff_id is not None
    found = await store.get_participant("test", "u1")
    assert found is not None
    await store.close_handoff(handoff_id, "ana", clock.now())
    await store.save_participant(found)  # a message in flight saved the old step back
    await chat.send("halo?")
    found = await store.get_participant("test", "u1")
    assert found is not None and found.step == Step.MENU


async def test_deleting_the_participant_deletes_the_conversation(
    chat: Chat, store: SqlStore
) -> None:
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    await chat.send("tolong bantu akun saya")
    handoff_id = await store.current_handoff(await _pid(store))
    assert handoff_id is not None
    await chat.send("/hapus")
    await chat.press("delete:yes")
    assert await store.handoff(handoff_id) is None
    assert await store.handoff_messages(handoff_id) == []


async def test_the_inbox_shows_waiting_time_and_answers(
    chat: Chat, store: SqlStore, clock: FakeClock, client: Client
) -> None:
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    await chat.send("rekening saya tidak bisa ditautkan")
    handoff_id = await store.current_handoff(await _pid(store))
    clock.advance(timedelta(hours=2, minutes=5))
    await login(client, "budi")
    inbox = await (await client.get("/console/handoffs")).text()
    assert "2 j 5 mnt" in inbox
    page = await (await client.get(f"/console/handoffs/{handoff_id}")).text()
    assert "rekening saya tidak bisa ditautkan" in page
    csrf = csrf_of(page)
    empty = await client.post(
        f"/console/handoffs/{handoff_id}/reply", data={"csrf": csrf, "text": " "}
    )
    assert empty.status == 400
    sent = await client.post(
        f"/console/handoffs/{handoff_id}/reply", data={"csrf": csrf, "text": "Sudah kami cek."}
    )
    assert sent.status == 200 and "Sudah kami cek." in await sent.text()
    closed = await client.post(f"/console/handoffs/{handoff_id}/close", data={"csrf": csrf})
    assert closed.status == 200
    assert "Tidak ada yang sedang menunggu petugas." in await closed.text()
    actions = [e.action for e in await store.audit_entries()]
    assert actions[:4] == ["handoff_close", "handoff_view", "handoff_reply", "handoff_view"]


async def test_the_third_report_of_the_same_problem_opens_a_handoff(
    chat: Chat, store: SqlStore
) -> None:
    await onboard(chat)
    await chat.send("otp aku ga masuk2 kak")
    await chat.send("masih belum masuk")
    await chat.send("tetap ga masuk juga")
    assert "aku sudah meneruskanmu ke tim kami" in chat.text and HOURS in chat.text
    handoff_id = await store.current_handoff(await _pid(store))
    assert handoff_id is not None
    handoff = await store.handoff(handoff_id)
    assert handoff is not None and handoff.reason == "not solved by the bot: otp"
    await chat.send("sudah ganti hp juga tetap tidak masuk")
    assert [m.text for m in await store.handoff_messages(handoff_id)] == [
        "sudah ganti hp juga tetap tidak masuk"
    ]


async def test_an_agents_reply_late_at_night_is_not_held_for_quiet_hours(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    handoff_id = await store.current_handoff(await _pid(store))
    assert handoff_id is not None
    local = clock.now().astimezone(ZoneInfo("Asia/Jakarta"))
    clock.advance(timedelta(hours=(23 - local.hour) % 24))  # 23:xx WIB: quiet hours
    assert await store.reply_handoff(handoff_id, "budi", "Halo, saya Budi dari tim.", clock.now())
    sender = await _deliver(store, program, clock)
    assert sender.sent and "Halo, saya Budi dari tim." in sender.sent[0].replies[0].text


async def test_replying_to_a_closed_handoff_says_so(client: Client, store: SqlStore) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    hid = await store.open_handoff(p.id, "asked", at(0))
    token = await login(client, "budi")
    await store.close_handoff(hid, "ana", at(0))
    reply = await client.post(
        f"/console/handoffs/{hid}/reply", data={"csrf": token, "text": "Halo"}
    )
    assert reply.status == 409
    assert "Percakapan ini sudah ditutup." in await reply.text()
