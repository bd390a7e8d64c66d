"""The console in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser). Skipped with a message when /usr/bin/chromium is missing, except in CI (CI set),
where they must run (.ci/run installs chromium)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, FilePayload, Page, async_playwright, expect

from bot.console.app import Console
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from handlers.router import route
from tests.conftest import onboard
from tests.console.helpers import PASSWORD, Client, add_participant, at
from tests.fakes.senders import RecordingSender
from tests.helpers import Chat

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "browser tests need Debian's chromium at /usr/bin/chromium "
        "(apt-get update && apt-get install -y chromium); in CI they always run",
        allow_module_level=True,
    )


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser, client: Client) -> AsyncIterator[Page]:
    context = await browser.new_context(
        base_url=str(client.server.make_url("")), viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    opened = await context.new_page()
    try:
        yield opened
    finally:
        await context.close()


async def _login(page: Page, name: str, password: str = PASSWORD) -> None:
    await page.goto("/console/login")
    await page.get_by_label("Nama").fill(name)
    await page.get_by_label("Kata sandi").fill(password)
    await page.get_by_role("button", name="Masuk").click()


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


async def test_log_in_see_the_funnel_and_find_a_participant(page: Page, store: SqlStore) -> None:
    await add_participant(store, "a", progress={"dashboard": at(0), "purchase": at(1)})
    wanted = await add_participant(store, "b", phone="+6281234567890")
    await add_participant(store, "c", deadline_utc=at(-2))
    await _login(page, "ana")
    await expect(page.get_by_role("heading", name="Ringkasan")).to_be_visible()
    await expect(page.locator("#participants")).to_have_text("3")
    await expect(page.locator("#passed")).to_have_text("1")
    await expect(page.locator("svg.chart rect")).to_have_count(8)
    await expect(page.locator("table.funnel")).to_contain_text("Pelatihan pertama sudah dibeli")
    fits = await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert fits, "the overview is wider than a phone's screen"
    await page.get_by_role("link", name="Peserta").first.click()
    await page.get_by_label("Kode referensi atau nomor HP").fill(wanted.ref_code.lower())
    await page.get_by_role("button", name="Cari").click()
    await expect(page.locator("p.count")).to_contain_text("1 peserta")
    await page.get_by_role("link", name=wanted.ref_code).click()
    await expect(page.get_by_role("heading", name=wanted.ref_code)).to_be_visible()
    await expect(page.locator("dl.facts")).to_contain_text("+6281234567890")


async def test_a_failed_login(page: Page) -> None:
    await _login(page, "ana", "not the password")
    await expect(page.get_by_role("alert")).to_have_text("Nama atau kata sandi salah.")
    await page.goto("/console/")
    await expect(page).to_have_url("/console/login")


async def test_a_form_without_its_csrf_token_is_refused(page: Page) -> None:
    await _login(page, "ana")
    await page.locator('form[action="/console/logout"] input[name="csrf"]').evaluate(
        "element => element.remove()"
    )
    async with page.expect_response("**/console/logout") as info:
        await page.get_by_role("button", name="Keluar").click()
    assert (await info.value).status == 403
    await expect(page.get_by_role("alert")).to_have_text("Kamu tidak punya izin untuk ini.")


async def test_send_a_broadcast_to_a_segment_and_watch_its_progress(
    page: Page, store: SqlStore, program: Program, clock: FakeClock, console: Console
) -> None:
    for user in ("a", "b", "c"):
        await add_participant(store, user)
    await add_participant(store, "done", progress={"purchase": at(0)})
    await _login(page, "ana")
    await page.goto("/console/broadcasts/new")
    await page.get_by_label("Pesan (bahasa Indonesia)").fill("Ayo beli pelatihan pertamamu!")
    await page.get_by_label("Pesan (bahasa Inggris, opsional)").fill("Buy your first training!")
    await page.get_by_label("Gelombang").fill("22")
    await page.get_by_label("Sudah beli pelatihan").select_option("false")
    await page.get_by_role("button", name="Pratinjau").click()
    await expect(page.locator("#recipients")).to_have_text("Siaran ini menjangkau 3 peserta.")
    await expect(page.locator(".previews")).to_contain_text("Buy your first training!")
    await page.get_by_role("button", name="Kirim").click()
    await expect(page.locator("#recipients")).to_have_text("3")
    await console.broadcasts.wait()
    await page.reload()
    await expect(page.locator("#queued")).to_have_text("3")
    await expect(page.locator("#sent")).to_have_text("0")
    clock.advance(timedelta(seconds=1))
    sender = await _deliver(store, program, clock)
    assert len(sender.sent) == 3
    await page.reload()
    await expect(page.locator("#sent")).to_have_text("3")
    await expect(page.locator("#queued")).to_have_text("0")


async def test_answer_a_handoff(
    page: Page, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    chat = Chat(Engine(store, program, clock, route), clock)
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    await chat.send("dana insentif saya belum masuk padahal sudah 2 minggu")
    clock.advance(timedelta(minutes=25))
    await _login(page, "budi")
    await expect(page.get_by_role("heading", name="Alih ke petugas")).to_be_visible()
    await expect(page.locator("tbody")).to_contain_text("25 mnt")
    await page.locator("tbody a").first.click()
    await expect(page.locator(".conversation")).to_contain_text("belum masuk padahal")
    await page.get_by_label("Balasan").fill("Kami cek dulu ya, mohon tunggu.")
    await page.get_by_role("button", name="Kirim balasan").click()
    await expect(page.locator(".conversation li.operator")).to_contain_text("Kami cek dulu")
    sender = await _deliver(store, program, clock)
    assert "Kami cek dulu ya, mohon tunggu." in sender.sent[0].replies[0].text
    await page.get_by_role("button", name="Tutup: bot menjawab lagi").click()
    await expect(page.locator("tbody")).to_contain_text("Tidak ada yang sedang menunggu")


async def test_a_csv_imports_dry_run(page: Page, store: SqlStore) -> None:
    await add_participant(store, "a", phone="+6281234567890")
    await _login(page, "ana")
    await page.get_by_role("link", name="Impor").click()
    upload: FilePayload = {
        "name": "status.csv",
        "mimeType": "text/csv",
        "buffer": b"phone,item,status,date,partner\n"
        b"0812-3456-7890,incentive.1,paid,2021-12-12,dana\n"
        b"0812-3456-7890,incentive.9,paid,2021-12-12,dana\n"
        b"0899-0000-1111,incentive.1,paid,2021-12-12,dana\n",
    }
    await page.set_input_files("input[name=file]", files=[upload])
    await page.get_by_role("button", name="Periksa (uji coba)").click()
    await expect(page.locator("#applied")).to_have_text("1")
    await expect(page.locator("#bad")).to_have_text("1")
    errors = page.locator("ul.errors")
    await expect(errors).to_contain_text("baris 3: item 'incentive.9' tidak ada di skema")
    await expect(errors).to_contain_text("baris 4: tidak ada peserta")
    for english in ("line ", "unmatched", "is not in scheme"):
        await expect(errors).not_to_contain_text(english)
    await expect(page.get_by_role("button", name="Terapkan")).to_be_visible()


_OFF_SCREEN = """selector => [...document.querySelectorAll(selector)]
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.left < 0 || r.right > window.innerWidth + 1; })
    .map(e => e.outerHTML.slice(0, 80))"""


async def _fits(page: Page, controls: str) -> None:
    wide = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 1, f"the page is {wide} px wider than the phone's screen"
    assert await page.evaluate(_OFF_SCREEN, controls) == []


async def test_the_funnel_labels_fit_and_are_readable_on_a_phone(
    page: Page, store: SqlStore
) -> None:
    await add_participant(store, "a", progress={"dashboard": at(0), "platform": at(0)})
    await _login(page, "ana")
    await expect(page.locator("svg.chart rect")).to_have_count(8)
    found = await page.evaluate(
        """() => { const svg = document.querySelector('svg.chart').getBoundingClientRect();
        return [...document.querySelectorAll('svg.chart text')].map(t => {
          const r = t.getBoundingClientRect();
          const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
          const inside = r.left >= svg.left - 0.5 && r.right <= svg.right + 0.5;
          return {text: t.textContent, inside: inside, px: px};
        }); }"""
    )
    labels = " ".join(f["text"] for f in found)
    assert "sudah dipilih" in labels  # the platform step's label, whole
    assert [f["text"] for f in found if not f["inside"]] == []
    assert min(f["px"] for f in found) >= 11, found


async def test_the_not_understood_page_fits_a_phone_and_keeps_its_period(
    page: Page, store: SqlStore, clock: FakeClock
) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    long = "kak akun prakerja saya diblokir, sudah coba berkali-kali tetap tidak bisa masuk " * 3
    await store.record_unknown(p.id, long, [("otp", 0.31)], "menu", clock.now())
    await store.record_unknown(p.id, "lama", [], "menu", clock.now() - timedelta(days=3))
    await _login(page, "ana")
    await page.goto("/console/unknown?days=1")
    await _fits(page, "input, button, table")
    await expect(page.locator("p.count")).to_contain_text("1 pesan dalam 1 hari terakhir")
    await expect(page.locator("h2").first).to_contain_text("Akun diblokir")  # its group
    first = page.locator("form.guesses input[type=radio]").first
    await expect(first).to_be_checked()  # the likeliest entry, pre-selected
    await page.get_by_role("button", name="Tempelkan").click()
    await expect(page.locator(".saved")).to_contain_text("✓ Contoh “akun-diblokir”")
    assert "days=1" in page.url
    await expect(page.locator("tbody")).not_to_contain_text("lama")  # still the last day only
    await expect(page.locator("main")).not_to_contain_text("`")


async def test_a_participants_page_in_words_on_a_phone(
    page: Page, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    p = await add_participant(store, "a", timezone="Asia/Makassar", phone="+6281234567890")
    assert p.id is not None
    await store.open_handoff(p.id, "asked", clock.now())
    await _login(page, "ana")
    await page.goto(f"/console/participants/{p.id}")
    await _fits(page, "table, td, a, button")
    facts = page.locator("dl.facts")
    await expect(facts).to_contain_text("WITA")
    await expect(facts).to_contain_text("Semi-bansos 2021")
    benefits = page.locator("#benefits")
    await expect(benefits).to_contain_text("Dana pelatihan")
    await expect(benefits).to_contain_text("Insentif bulan ke-1")
    text = await page.locator("main").inner_text()
    for raw in ("training_fund", "incentive.1", "not_eligible", "Asia/Makassar", "· open ·"):
        assert raw not in text, raw
    await expect(page.locator("main")).to_contain_text("menunggu dijawab petugas")


async def test_the_preview_says_when_quiet_hours_let_it_start(
    page: Page, store: SqlStore, clock: FakeClock
) -> None:
    await add_participant(store, "a")
    clock.advance(timedelta(hours=13))  # 23:00 WIB, in the quiet hours everywhere
    await _login(page, "ana")
    await page.goto("/console/broadcasts/new")
    await page.get_by_label("Pesan (bahasa Indonesia)").fill("Halo semua")
    await page.get_by_role("button", name="Pratinjau").click()
    sending = page.locator("#sending")
    await expect(sending).not_to_contain_text("sekarang")
    await expect(sending).to_contain_text("mulai 21-11-2021 05:00 WIB")  # 07:00 WIT first
    await expect(page.locator(".starts")).to_contain_text("WITA: mulai 21-11-2021 07:00 WITA")
    await expect(page.locator("#quiet")).to_contain_text("21.00–07.00")
