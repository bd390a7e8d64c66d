"""Logging in and out: cookies, a new session id at every login, expiry, lock-out, CSRF,
redirects without a session, roles, masked phones, and the audit trail of it all."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.console.auth import COOKIE, digest
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.console.helpers import PASSWORD, Client, add_participant, csrf_of, login
from tests.helpers import WIB_START


async def test_no_session_redirects_pages_and_refuses_json(client: Client) -> None:
    for path in ("/console/", "/console/participants", "/console/handoffs", "/console/audit"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 303, path
        assert response.headers["Location"] == "/console/login"
    assert (await client.get("/admin/stats")).status == 401  # no bearer token either


async def test_login_sets_a_strict_httponly_cookie_and_lands_by_role(client: Client) -> None:
    form = await client.get("/console/login")
    token = csrf_of(await form.text())
    response = await client.post(
        "/console/login",
        data={"csrf": token, "name": "ana", "password": PASSWORD},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == "/console/"
    cookie = next(c for c in response.headers.getall("Set-Cookie") if c.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # served on 127.0.0.1
    client.session.cookie_jar.clear()
    await login(client, "budi")
    assert (await client.get("/console/", allow_redirects=False)).headers[
        "Location"
    ] == "/console/handoffs"


async def test_every_login_makes_a_new_session(client: Client, store: SqlStore) -> None:
    await login(client, "ana")
    first = client.session.cookie_jar.filter_cookies(client.make_url("/console/"))[COOKIE].value
    await login(client, "ana")
    second = client.session.cookie_jar.filter_cookies(client.make_url("/console/"))[COOKIE].value
    assert first != second
    assert await store.session(digest(first)) is None  # the old one is gone
    assert await store.session(digest(second)) is not None


async def test_sessions_expire_when_idle_and_at_their_end(
    client: Client, clock: FakeClock
) -> None:
    await login(client, "ana")
    clock.advance(timedelta(minutes=59))
    assert (await client.get("/console/", allow_redirects=False)).status == 200
    clock.advance(timedelta(minutes=61))  # idle for more than an hour
    assert (await client.get("/console/", allow_redirects=False)).status == 303
    await login(client, "ana")
    for _ in range(14):  # in use every 55 minutes, but 12 hours at most
        clock.advance(timedelta(minutes=55))
        last = await client.get("/console/", allow_redirects=False)
    assert last.status == 303


async def test_a_post_without_its_csrf_token_is_403(client: Client) -> None:
    form = await client.get("/console/login")
    assert (
        await client.post("/console/login", data={"name": "ana", "password": PASSWORD})
    ).status == 403
    csrf = await login(client, "ana")
    assert (await client.post("/console/logout", data={})).status == 403
    assert (await client.post("/console/logout", data={"csrf": "forged"})).status == 403
    assert csrf_of(await form.text())
    out = await client.post("/console/logout", data={"csrf": csrf}, allow_redirects=False)
    assert out.status == 303
    assert (await client.get("/console/", allow_redirects=False)).status == 303


async def test_agents_see_handoffs_and_participants_only(client: Client, store: SqlStore) -> None:
    p = await add_participant(store, "u1", phone="+6281234567890")
    await login(client, "budi")
    for path in ("/console/handoffs", "/console/participants", f"/console/participants/{p.id}"):
        assert (await client.get(path)).status == 200, path
    for path in (
        "/console/broadcasts",
        "/console/broadcasts/new",
        "/console/imports",
        "/console/audit",
        "/console/participants.csv",
    ):
        assert (await client.get(path)).status == 403, path
    page = await (await client.get(f"/console/participants/{p.id}")).text()
    assert "7890" in page and "+6281234567890" not in page
    client.session.cookie_jar.clear()
    await login(client, "ana")
    page = await (await client.get(f"/console/participants/{p.id}")).text()
    assert "+6281234567890" in page
    assert (await client.get("/console/audit")).status == 200


async def test_operator_actions_are_in_the_audit_log(client: Client, store: SqlStore) -> None:
    p = await add_participant(store, "u1")
    await login(client, "ana")
    await client.get(f"/console/participants/{p.id}")
    await client.get("/console/participants.csv?wave=22")
    entries = await store.audit_entries()
    assert [(e.operator, e.action) for e in entries[:3]] == [
        ("ana", "participants_export"),
        ("ana", "participant_view"),
        ("ana", "login"),
    ]
    assert entries[1].participant_id == p.id
    assert entries[0].detail == {"segment": {"wave": 22}, "rows": 1}
    page = await (await client.get("/console/audit")).text()
    assert "mengekspor daftar peserta" in page and "ana" in page
    assert "segmen: gelombang 22, baris 1" in page  # words, not segment={'wave': 22}
    assert "participants_export" not in page and "{'wave'" not in page


async def test_the_csv_export_is_the_filtered_list(client: Client, store: SqlStore) -> None:
    await add_participant(store, "a", phone="+6281234567890", progress={"dashboard": WIB_START})
    await add_participant(store, "b", wave=5)
    await login(client, "ana")
    response = await client.get("/console/participants.csv?wave=22")
    assert response.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0][:3] == ["ref", "channel", "wave"]
    assert [(r[0], r[2], r[5], r[8]) for r in rows[1:]] == [
        ("PK-00000A", "22", "+6281234567890", "dashboard")
    ]
    bad = await client.get("/console/participants.csv?wave=many")
    assert bad.status == 400


async def test_a_login_with_a_forged_csrf_token_is_403(client: Client, store: SqlStore) -> None:
    """The double-submit check compares the form's token with the cookie's: a token that is
    present but not the cookie's (a cross-site form) is refused and logs nobody in."""
    await client.get("/console/login")  # the cookie is set
    forged = await client.post(
        "/console/login", data={"csrf": "forged-token", "name": "ana", "password": PASSWORD}
    )
    assert forged.status == 403
    assert COOKIE not in {c.key for c in client.session.cookie_jar}
    assert (await client.get("/console/", allow_redirects=False)).status == 303
    refused = [e for e in await store.audit_entries() if e.action == "refused_csrf"]
    assert refused
