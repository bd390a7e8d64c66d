"""The inbox in Chromium, at a desktop's and a phone's width (issue 20 §2): each handoff's
last message, waiting time and holder, the filters, priority first, taking over asks first,
the participant and what the bot tried beside the conversation, notes, saved replies, the
waiting alert on the overview, response figures and the satisfaction answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.storage.store import SqlStore
from handlers.router import route
from tests.conftest import onboard
from tests.console.browsing import fits_both, log_in, open_page
from tests.console.helpers import Client, add_participant
from tests.helpers import Chat


@pytest.fixture
async def tab(client: Client) -> AsyncIterator[Page]:
    async with open_page(client) as opened:
        yield opened


async def _handoff(store: SqlStore, clock: FakeClock, user: str, text: str) -> int:
    p = await add_participant(store, user)
    assert p.id is not None
    hid = await store.open_handoff(p.id, "asked", clock.now())
    await store.add_handoff_message(hid, text, clock.now())
    return hid


async def test_the_list_its_filters_and_priority(
    tab: Page, store: SqlStore, clock: FakeClock
) -> None:
    first = await _handoff(store, clock, "a", "mau tanya sertifikat saya")
    clock.advance(timedelta(minutes=10))
    money = await _handoff(store, clock, "b", "insentif saya belum cair sudah sebulan")
    await store.take_handoff(first, "ana", clock.now())
    clock.advance(timedelta(minutes=40))
    await log_in(tab, "budi")
    rows = tab.locator("table.inbox tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_have_attribute("data-id", str(money))  # money first
    await expect(rows.nth(0).locator(".tag")).to_have_text("uang")
    await expect(rows.nth(0).locator(".last")).to_contain_text("belum cair")
    await expect(rows.nth(0)).to_contain_text("40 mnt")
    await expect(rows.nth(1).locator(".agent")).to_have_text("ana")
    await expect(rows.nth(0).locator(".agent")).to_have_text("belum ada petugas")
    await fits_both(tab)
    await tab.get_by_role("link", name="Menunggu paling lama").click()
    await expect(rows.nth(0)).to_have_attribute("data-id", str(first))  # the oldest first
    await tab.get_by_role("link", name="Belum ada petugas").click()
    await expect(rows).to_have_count(1)
    await tab.get_by_role("link", name="Punyaku").click()
    await expect(tab.locator("tbody")).to_contain_text("Tidak ada yang sedang menunggu")


async def test_taking_over_a_colleagues_handoff_asks_first(
    tab: Page, store: SqlStore, clock: FakeClock
) -> None:
    hid = await _handoff(store, clock, "a", "halo kak")
    await store.take_handoff(hid, "budi", clock.now())
    await log_in(tab, "ana")
    await tab.goto(f"/console/handoffs/{hid}")
    await tab.get_by_role("button", name="Ambil").click()
    await expect(tab.locator("#holder")).to_contain_text("budi sedang menangani")
    await fits_both(tab)
    assert (await store.handoff(hid)).taken_by == "budi"  # type: ignore[union-attr]
    await tab.get_by_role("button", name="Ya, ambil alih").click()
    await expect(tab.locator("#holder")).to_have_text("ana")


async def test_beside_the_conversation_the_participant_and_what_the_bot_tried(
    tab: Page, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    chat = Chat(Engine(store, program, clock, route), clock)
    await onboard(chat, zone="WITA")
    await chat.send("saya sudah sambungkan ke DANA tapi saldo belum masuk")
    await chat.send("mau ngomong sama admin aja")
    await chat.send("tolong dibantu kak")
    found = await store.get_participant("test", "u1")
    assert found is not None and found.id is not None
    hid = await store.current_handoff(found.id)
    await log_in(tab, "budi")
    await tab.goto(f"/console/handoffs/{hid}")
    about = tab.locator("#about")
    await expect(about).to_contain_text("22")
    await expect(about).to_contain_text("WITA")
    await expect(tab.locator("#stage")).not_to_be_empty()
    await expect(tab.locator("#benefit-statuses")).to_contain_text("Insentif bulan ke-1")
    await expect(tab.locator("#tried li").first).not_to_have_text("–")
    await expect(tab.locator(".conversation")).to_contain_text("tolong dibantu kak")
    await fits_both(tab)


async def test_saved_replies_and_internal_notes(
    tab: Page, store: SqlStore, clock: FakeClock
) -> None:
    hid = await _handoff(store, clock, "a", "kapan insentif cair?")
    await log_in(tab, "ana")
    await tab.goto("/console/replies")
    await tab.get_by_label("Judul").fill("Jadwal insentif")
    await tab.get_by_label("Balasan").fill("Insentif cair bertahap, cek dashboard ya.")
    await tab.get_by_role("button", name="Tambah").click()
    await expect(tab.locator("table")).to_contain_text("Jadwal insentif")
    await tab.goto(f"/console/handoffs/{hid}")
    await tab.get_by_label("Catatan baru").fill("sudah cek, status diproses")
    await tab.get_by_role("button", name="Simpan catatan").click()
    await expect(tab.locator("#notes")).to_contain_text("sudah cek, status diproses")
    await tab.get_by_role("link", name="Jadwal insentif").click()
    await expect(tab.get_by_label("Balasan")).to_have_value(
        "Insentif cair bertahap, cek dashboard ya."
    )
    await fits_both(tab)
    await tab.get_by_role("button", name="Kirim balasan").click()
    await expect(tab.locator(".conversation li.operator")).to_contain_text("cair bertahap")
    await expect(tab.locator(".conversation")).not_to_contain_text("sudah cek")


async def test_shift_round_robin_alert_and_figures(
    tab: Page, store: SqlStore, clock: FakeClock
) -> None:
    hid = await _handoff(store, clock, "a", "halo")
    clock.advance(timedelta(minutes=45))
    await log_in(tab, "ana")
    await expect(tab.locator("#waiting-alert")).to_contain_text("lebih dari 30 menit")
    await tab.get_by_role("link", name="Buka kotak masuk").click()
    await tab.get_by_role("button", name="Mulai jaga").click()
    await expect(tab.locator("#shift-state")).to_contain_text("sedang jaga")
    await expect(tab.locator(f'tr[data-id="{hid}"] .agent')).to_have_text("ana")
    await tab.goto(f"/console/handoffs/{hid}")
    await tab.get_by_label("Balasan").fill("Halo, ada yang bisa dibantu?")
    await tab.get_by_role("button", name="Kirim balasan").click()
    clock.advance(timedelta(minutes=5))
    await tab.get_by_role("button", name="Tutup: bot menjawab lagi").click()
    await tab.get_by_role("link", name="Waktu tanggapan").click()
    agent = tab.locator("#per-agent")
    await expect(agent).to_contain_text("ana")
    await expect(agent.locator(".first").first).to_have_text("45 mnt")
    await expect(agent.locator(".resolved").first).to_have_text("50 mnt")
    await fits_both(tab)
