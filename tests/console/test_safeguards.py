"""Issue 20 §1 outside the browser: the Secure flag behind a proxy, common passwords refused,
TOTP required once set up, refusals audited with their address, uploads with odd names, the
dry run applied by another instance, a broadcast form sent twice, counts that add up."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pyotp
import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app.console import build_console
from bot.console import site
from bot.console.app import Console, mount
from bot.console.auth import PasswordError, check_password, hash_password
from bot.console.chart import funnel_svg
from bot.core.clock import FakeClock
from bot.core.config import load_settings
from bot.core.program import Program
from bot.storage.segments import Segment
from bot.storage.store import SqlStore
from tests.console.helpers import PASSWORD, Client, add_participant, at, csrf_of, login

CSV = "phone,item,status,date,partner\n0812-3456-7890,incentive.1,paid,2021-12-12,dana\n"


def _upload(csrf: str, name: str, data: str = CSV) -> FormData:
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", io.BytesIO(data.encode()), filename=name, content_type="text/csv")
    return form


def test_the_cookie_is_secure_behind_the_documented_proxy(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    class App:  # what build_console reads of the app
        pass

    app = App()
    app.store, app.program, app.clock = store, program, clock  # type: ignore[attr-defined]
    app.settings = load_settings(web_listen="127.0.0.1:8080")  # type: ignore[attr-defined]
    assert build_console(app, "127.0.0.1").secure  # type: ignore[arg-type]
    app.settings = load_settings(console_secure_cookie=False)  # type: ignore[attr-defined]
    assert not build_console(app, "0.0.0.0").secure  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "password", ["password1234", "qwertyuiop12", "prakerja2021", "ana-ana-ana-"]
)
def test_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(PasswordError, match="too common"):
        check_password(password, "ana")
    assert check_password("kopi tubruk di teras", "ana")


async def test_totp_is_asked_once_set_up_and_admins_keep_it(
    client: Client, store: SqlStore
) -> None:
    csrf = await login(client, "ana")
    await client.post("/console/account/totp/start", data={"csrf": csrf})
    page = await (await client.get("/console/account")).text()
    assert 'src="data:image/svg+xml' in page  # the QR code, inline (the CSP allows data:)
    secret = page.split('id="totp-key">')[1].split("<")[0]
    wrong = await client.post(
        "/console/account/totp/confirm", data={"csrf": csrf, "code": "000000"}
    )
    assert "kode itu salah" in (await wrong.text()).lower()
    code = pyotp.TOTP(secret).now()
    await client.post("/console/account/totp/confirm", data={"csrf": csrf, "code": code})
    off = await client.post("/console/account/totp/off", data={"csrf": csrf})
    assert off.status == 403  # an admin keeps it
    await client.post("/console/logout", data={"csrf": csrf})
    form = await client.get("/console/login")
    token = csrf_of(await form.text())
    without = await client.post(
        "/console/login", data={"csrf": token, "name": "ana", "password": PASSWORD}
    )
    assert without.status == 401 and "kode 6 angka" in await without.text()
    with_code = await client.post(
        "/console/login",
        data={"csrf": token, "name": "ana", "password": PASSWORD, "code": code},
        allow_redirects=False,
    )
    assert with_code.status == 303
    actions = [e.action for e in await store.audit_entries()]
    assert "totp_on" in actions and "login_code" in actions


async def test_refused_actions_and_phone_searches_are_audited_with_the_address(
    client: Client, store: SqlStore
) -> None:
    await add_participant(store, "a", phone="+6281234567890")
    csrf = await login(client, "budi")
    forwarded = {"X-Forwarded-For": "198.51.100.9"}
    assert (await client.get("/console/audit", headers=forwarded)).status == 403
    assert (
        await client.post("/console/handoffs/1/take", data={"csrf": "x"}, headers=forwarded)
    ).status == 403
    await client.get("/console/participants?q=0812-3456-7890", headers=forwarded)
    entries = {e.action: e for e in await store.audit_entries()}
    assert entries["refused_admin_page"].detail["from"] == "198.51.100.9"
    assert entries["refused_csrf"].detail["path"] == "/console/handoffs/1/take"
    search = entries["participant_search"].detail
    assert search == {"found": 1, "phone": True, "from": "198.51.100.9"}
    assert csrf


@pytest.mark.parametrize("name", ["..", ".", "/", "a" * 300 + ".csv", "../../etc/passwd"])
async def test_odd_upload_names_never_answer_500(
    client: Client, store: SqlStore, name: str
) -> None:
    await add_participant(store, "a", phone="+6281234567890")
    csrf = await login(client, "ana")
    response = await client.post("/console/imports/dry-run", data=_upload(csrf, name))
    assert response.status == 200, await response.text()
    bad = await client.post("/console/imports/dry-run", data=_upload(csrf, name, "x\0y"))
    assert bad.status == 400 and "a" * 81 not in await bad.text()


async def test_odd_numbers_in_the_query_never_answer_500(client: Client) -> None:
    await login(client, "ana")
    for url in ("/console/unknown?days=²", "/console/delivery?days=٣", "/console/audit?before=¹"):
        assert (await client.get(url)).status == 200


async def test_the_dry_run_is_applied_by_another_instance(
    client: Client, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await add_participant(store, "a", phone="+6281234567890")
    csrf = await login(client, "ana")
    checked = await client.post("/console/imports/dry-run", data=_upload(csrf, "s.csv"))
    token = (await checked.text()).split('name="token" value="')[1].split('"')[0]
    other = Console(store, program, clock, secure_cookies=False)  # a second instance
    app = web.Application()
    app.add_routes(site.routes())
    mount(app, other)
    async with TestClient(TestServer(app, host="127.0.0.1")) as second:
        csrf2 = await login(second, "ana")
        applied = await second.post("/console/imports/apply", data={"csrf": csrf2, "token": token})
        assert applied.status == 200 and 'id="applied">1<' in await applied.text()
        again = await second.post("/console/imports/apply", data={"csrf": csrf2, "token": token})
        assert again.status == 404  # applied once


async def test_a_broadcast_form_sent_twice_creates_one(client: Client, store: SqlStore) -> None:
    await add_participant(store, "a")
    csrf = await login(client, "ana")
    form = await (await client.get("/console/broadcasts/new?wave=22")).text()
    token = form.split('name="form_token" value="')[1].split('"')[0]
    data = {"csrf": csrf, "form_token": token, "text": "Halo", "wave": "22"}
    first = await client.post("/console/broadcasts", data=data, allow_redirects=False)
    second = await client.post("/console/broadcasts", data=data, allow_redirects=False)
    assert first.headers["Location"] == "/console/broadcasts/1"
    assert second.headers["Location"] == "/console/broadcasts/1?again=1"
    assert len(await store.broadcasts()) == 1
    again = await (await client.get(second.headers["Location"])).text()
    assert 'id="again"' in again
    fresh = await (await client.get("/console/broadcasts/new?wave=22")).text()
    assert token not in fresh  # a new form, a new token


async def test_counts_add_up_after_cancelling_part_way(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    people = [await add_participant(store, u) for u in "abcde"]
    bid = await store.create_broadcast(
        "ana", "Halo", None, Segment(wave=22), False, clock.now(), 5, clock.now()
    )
    rows = [(p.id or 0, clock.now()) for p in people[:2]]
    await store.enqueue_broadcast_rows(bid, rows, {"broadcast": bid}, 2, False, clock.now())
    await store.cancel_broadcast(bid, clock.now())
    await login(client, "ana")
    page = await (await client.get(f"/console/broadcasts/{bid}")).text()

    def tile(name: str) -> int:
        return int(page.split(f'id="{name}">')[1].split("<")[0].replace(".", ""))

    parts = ("queued", "sent", "failed", "cancelled", "unqueued")
    assert tile("recipients") == 5 == sum(tile(p) for p in parts)
    assert (tile("cancelled"), tile("unqueued")) == (2, 3)


def test_the_chart_shows_seven_digit_counts_whole() -> None:
    svg = str(funnel_svg([("Terdaftar", 1_000_000), ("Sudah beli", 999_999)], "t"))
    assert ">1.000.000</text>" in svg and ">999.999</text>" in svg
    width = int(svg.split('viewBox="0 0 ')[1].split(" ")[0])
    bar = int(svg.split('width="')[1].split('"')[0])
    assert bar + 6 + len("1.000.000") * 13 * 0.62 <= width


async def test_funnel_shares_and_the_unknown_tile_count_like_their_pages(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    a = await add_participant(store, "a", progress={"dashboard": at(0), "purchase": at(0)})
    await add_participant(store, "b", progress={"dashboard": at(0)})
    await add_participant(store, "c")
    await add_participant(store, "d")
    assert a.id is not None
    # yesterday (WIB) but within 24 hours: the tile and the page it links to agree
    await store.record_unknown(a.id, "halo kak", [], "menu", clock.now() - timedelta(hours=20))
    await login(client, "ana")
    page = await (await client.get("/console/")).text()
    assert 'id="unknown">1<' in page
    linked = await (await client.get("/console/unknown?days=1")).text()
    assert "1 pesan" in linked
    shares = re.findall(r'class="num share"[^>]*>([^<]*)<', page)
    assert shares[:2] == ["100%", "50%"]  # 4 onboarded, 2 checked their dashboard
    lost = re.findall(r'class="num lost"[^>]*>([^<]*)<', page)
    assert lost[:2] == ["–", "50%"]


async def test_the_new_password_hash_refuses_a_common_one() -> None:
    with pytest.raises(PasswordError):
        hash_password("password1234")


async def test_the_overview_counts_follow_participant_changes_at_once(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    """Issue 20: the funnel is kept as participants change (no recount a minute later)."""

    def tiles(page: str) -> tuple[int, int, list[int]]:
        found = [
            int(re.search(rf'id="{name}">([\d.]+)<', page).group(1).replace(".", ""))  # type: ignore[union-attr]
            for name in ("participants", "passed")
        ]
        steps = re.findall(r'data-label="[^"]*">([\d.]+)</td><td class="num share"', page)
        return found[0], found[1], [int(s.replace(".", "")) for s in steps]

    a = await add_participant(store, "a", progress={"dashboard": at(0)}, deadline_utc=at(-1))
    b = await add_participant(store, "b", wave=5, deadline_utc=at(-1))
    await add_participant(store, "c")
    await login(client, "ana")
    first = tiles(await (await client.get("/console/")).text())
    assert first == (3, 2, [3, 1, 0, 0, 0, 0, 0, 0])
    a.progress["purchase"] = at(0)  # bought: no longer past the deadline without a purchase
    await store.save_participant(a)
    b.wave = 22  # moved into wave 22
    await store.save_participant(b)
    assert a.id is not None and b.id is not None
    await store.delete_participant(b.id)
    assert tiles(await (await client.get("/console/")).text()) == (2, 0, [2, 1, 0, 1, 0, 0, 0, 0])
    await add_participant(store, "d", wave=5, deadline_utc=at(-2))
    wave5 = tiles(await (await client.get("/console/?wave=5")).text())
    assert wave5 == (1, 1, [1, 0, 0, 0, 0, 0, 0, 0])
    wave22 = tiles(await (await client.get("/console/?wave=22")).text())
    assert wave22 == (2, 0, [2, 1, 0, 1, 0, 0, 0, 0])
