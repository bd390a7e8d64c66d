"""Chromium for the browser tests: Debian's /usr/bin/chromium through Playwright (never a
downloaded browser), one page on the console's test server, logging in through the form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Page, ViewportSize, async_playwright

from tests.console.helpers import PASSWORD, Client
from tests.console.test_browser import ARGS, CHROMIUM

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


@asynccontextmanager
async def open_page(client: Client, viewport: ViewportSize = PHONE) -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = await browser.new_context(
                base_url=str(client.server.make_url("")), viewport=viewport
            )
            context.set_default_timeout(10_000)
            yield await context.new_page()
        finally:
            await browser.close()


async def log_in(page: Page, name: str, password: str = PASSWORD) -> None:
    await page.goto("/console/login")
    await page.get_by_label("Nama").fill(name)
    await page.get_by_label("Kata sandi").fill(password)
    await page.get_by_role("button", name="Masuk").click()


async def fits_both(page: Page, controls: str = "button, select, a, input") -> None:
    """Nothing wider than the screen, and these controls on it, at a desktop's and a phone's
    width."""
    for size in (DESKTOP, PHONE):
        await page.set_viewport_size(size)
        wide = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 1, f"{wide} px too wide at {size['width']}"
        off = await page.evaluate(
            """selector => [...document.querySelectorAll(selector)].filter(e => {
                const r = e.getBoundingClientRect();
                return r.width > 0 && (r.left < 0 || r.right > window.innerWidth + 1); })
                .map(e => e.outerHTML.slice(0, 80))""",
            controls,
        )
        assert off == [], (size, off)
