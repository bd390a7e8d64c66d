"""The console's pages: every template sentence translated, Secure cookies off loopback only,
the console mounted on the bot's web server, and WhatsApp's template outside the window."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.console import site
from bot.console.app import Console, mount
from bot.console.auth import COOKIE, LOGIN_CSRF_COOKIE, is_loopback
from bot.console.sending import BroadcastJob
from bot.core.clock import FakeClock
from bot.core.outbound import Delivery, Outcome
from bot.core.program import Program
from bot.outbox.delivery import DeliveryWorker
from bot.storage.segments import Segment
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from tests.console.helpers import PASSWORD, Client, add_participant, csrf_of
from tests.fakes.senders import RecordingSender

ROOT = Path(__file__).resolve().parents[2]


def test_every_template_sentence_is_translated() -> None:
    found = {
        message if isinstance(message, str) else tuple(message)
        for _f, _l, message, _c, _x in extract_from_dir(
            ROOT / "bot" / "console" / "templates",
            method_map=[("**.html", "jinja2")],
            keywords={"_": None, "ngettext": (1, 2)},
        )
    }
    assert len(found) > 50
    for locale in ("id", "en"):
        with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        done = {
            m.id if isinstance(m.id, str) else tuple(m.id)
            for m in catalog
            if m.id
            and not m.fuzzy
            and all(m.string if isinstance(m.string, tuple) else (m.string,))
        }
        assert not found - done, (locale, sorted(map(str, found - done)))


def test_loopback_addresses() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "10.0.0.5", "bot.example.org", ""]))


async def test_cookies_are_secure_off_loopback(
    store: SqlStore, program: Program, clock: FakeClock, console: Console
) -> None:
    secure = Console(store, program, clock, secure_cookies=True)
    app = web.Application()
    app.add_routes(site.routes())
    mount(app, secure)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        form = await client.get("/console/login")
        assert all("Secure" in c for c in form.headers.getall("Set-Cookie"))
        token = csrf_of(await form.text())
        response = await client.post(
            "/console/login",
            data={"csrf": token, "name": "ana", "password": PASSWORD},
            headers={"Cookie": f"{LOGIN_CSRF_COOKIE}={token}"},  # http: the jar keeps it back
            allow_redirects=False,
        )
        assert response.status == 303
        cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith(COOKIE))
        assert "Secure" in cookie and "HttpOnly" in cookie


async def test_the_language_switch_and_static_assets(client: Client) -> None:
    await client.get("/console/lang/en")
    page = await (await client.get("/console/login")).text()
    assert "Log in" in page and 'lang="en"' in page
    css = await client.get("/console/static/console.css")
    assert css.status == 200 and css.content_type == "text/css"
    assert (await client.get("/console/static/../app.py")).status == 404
    assert (await client.get("/console/static/nope.js")).status == 404


async def test_a_broadcast_outside_the_whatsapp_window_goes_as_a_template(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await add_participant(store, "wa", channel="whatsapp")
    job = BroadcastJob(store, program, clock, {"whatsapp": 80.0})
    bid, _ = await job.create("ana", Segment(channel="whatsapp"), "Info penting", None, True, None)
    await job.wait()
    sender = RecordingSender("whatsapp", [Delivery(Outcome.NEEDS_TEMPLATE)])
    await DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, all_notices()),
        {"whatsapp": sender},
    ).run_once()
    assert [m.force_template for m in sender.sent] == [False, True]
    assert sender.sent[1].replies[0].text == "Info penting"
    assert (await store.broadcast_progress(bid))["sent"] == 1
