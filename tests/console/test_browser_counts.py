"""Issue 20 §1 in Chromium, at a desktop's and a phone's width: 7-digit counts on the chart
with each step's share and drop-off, a cancelled broadcast whose counts add up, and failed
logins that slow down the address they come from, not the operator elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page, async_playwright, expect

from bot.core.clock import FakeClock
from bot.storage.segments import FUNNEL, Segment
from bot.storage.store import SqlStore
from tests.console.browsing import PHONE, fits_both, log_in, open_page
from tests.console.helpers import PASSWORD, Client, add_participant
from tests.console.test_browser import ARGS, CHROMIUM


@pytest.fixture
async def tab(client: Client) -> AsyncIterator[Page]:
    async with open_page(client) as opened:
        yield opened


async def test_seven_digit_counts_shares_and_drop_off(tab: Page, store: SqlStore) -> None:
    counts = {step: 1_000_000 - 111_111 * i for i, step in enumerate(FUNNEL)}
    counts.update(participants=1_200_000, unpurchased=12_345)
    async with store.transaction():  # as the funnel's triggers keep them on a million
        for step, n in counts.items():
            await store._run(
                "INSERT INTO funnel_counts (wave, scheme, step, deadline_utc, n)"
                " VALUES (22, '2021', ?, '', ?)",
                (step, n),
            )
    await log_in(tab, "ana")
    texts = tab.locator("svg.chart text.count")
    await expect(texts.first).to_have_text("1.000.000")
    inside = await tab.evaluate(
        """() => { const svg = document.querySelector('svg.chart').getBoundingClientRect();
        return [...document.querySelectorAll('svg.chart text.count')].every(t => {
          const r = t.getBoundingClientRect(); return r.right <= svg.right + 0.5; }); }"""
    )
    assert inside, "a count is cut off at the chart's edge"
    await expect(tab.locator("td.share").nth(1)).to_have_text("89%")
    await expect(tab.locator("td.lost").nth(1)).to_have_text("11%")
    await fits_both(tab)


async def test_a_cancelled_broadcasts_counts_add_up(
    tab: Page, store: SqlStore, clock: FakeClock
) -> None:
    people = [await add_participant(store, u) for u in "abcde"]
    bid = await store.create_broadcast(
        "ana", "Halo", None, Segment(wave=22), False, clock.now(), 5, clock.now()
    )
    rows = [(p.id or 0, clock.now()) for p in people[:2]]
    await store.enqueue_broadcast_rows(bid, rows, {"broadcast": bid}, 2, False, clock.now())
    await log_in(tab, "ana")
    await tab.goto(f"/console/broadcasts/{bid}")
    await tab.get_by_role("button", name="Batalkan yang belum terkirim").click()
    ids = ("queued", "sent", "failed", "cancelled", "unqueued")
    shown = [int((await tab.locator(f"#{i}").inner_text()).replace(".", "")) for i in ids]
    assert shown == [0, 0, 0, 2, 3] and sum(shown) == 5
    await expect(tab.locator("#recipients")).to_have_text("5")
    await fits_both(tab)


async def test_a_stranger_is_slowed_down_and_the_operator_is_not(client: Client) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            base = str(client.server.make_url(""))
            stranger = await browser.new_context(
                base_url=base,
                viewport=PHONE,
                extra_http_headers={"X-Forwarded-For": "203.0.113.7"},
            )
            page = await stranger.new_page()
            for _ in range(3):
                await log_in(page, "ana", "wrong password 123")
                await expect(page.get_by_role("alert")).to_have_text("Nama atau kata sandi salah.")
            await log_in(page, "ana")  # the right password, from the stranger's address
            await expect(page.get_by_role("alert")).to_contain_text("coba lagi dalam 1 menit")
            await fits_both(page)
            ana = await browser.new_context(
                base_url=base, extra_http_headers={"X-Forwarded-For": "198.51.100.20"}
            )
            own = await ana.new_page()
            await log_in(own, "ana", PASSWORD)
            await expect(own.get_by_role("heading", name="Ringkasan")).to_be_visible()
        finally:
            await browser.close()
