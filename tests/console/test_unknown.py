"""The "not understood" page: redacted messages with the bot's guesses, newest first; an admin
marks the right intent (audited), which `labelled_unknown` (and so `unknown --export`) uses."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import FakeClock
from bot.storage.sqlite import SqliteStore
from tests.console.helpers import Client, add_participant, at, csrf_of, login


async def test_list_and_label(client: Client, store: SqliteStore, clock: FakeClock) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    old = await store.record_unknown(p.id, "kemarin", [], "menu", clock.now() - timedelta(days=9))
    mid = await store.record_unknown(
        p.id, "kartu saya ▒ hilang", [("otp", 0.31), ("dashboard", 0.22)], "menu", clock.now()
    )
    await login(client, "ana")
    overview = await (await client.get("/console/")).text()
    assert 'id="unknown">1<' in overview
    page = await (await client.get("/console/unknown")).text()
    assert (
        "kartu saya ▒ hilang" in page
        and "Kode OTP (0.31), Dashboard dan nomor kartu (0.22)" in page
    )
    assert "kemarin" not in page  # older than the last 7 days
    assert "kemarin" in await (await client.get("/console/unknown?days=30")).text()
    saved = await client.post(
        f"/console/unknown/{mid}", data={"csrf": csrf_of(page), "intent": "dashboard"}
    )
    assert saved.status == 200 and "✓ Dashboard dan nomor kartu" in await saved.text()
    bad = await client.post(
        f"/console/unknown/{mid}", data={"csrf": csrf_of(page), "intent": "flying"}
    )
    assert bad.status == 404
    assert [(m.id, m.label) for m in await store.labelled_unknown()] == [(mid, "dashboard")]
    assert old != mid
    entry = (await store.audit_entries())[0]
    assert (entry.action, entry.detail) == (
        "unknown_label",
        {"message": mid, "intent": "dashboard"},
    )


async def test_agents_may_not_see_it(client: Client) -> None:
    await login(client, "budi")
    assert (await client.get("/console/unknown")).status == 403


async def test_saving_a_label_keeps_the_period(client: Client, store: SqliteStore) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    mid = await store.record_unknown(p.id, "apa ini", [], "menu", at(0))
    await login(client, "ana")
    page = await (await client.get("/console/unknown?days=1")).text()
    saved = await client.post(
        f"/console/unknown/{mid}",
        data={"csrf": csrf_of(page), "intent": "dashboard", "days": "1"},
        allow_redirects=False,
    )
    assert saved.status == 303 and saved.headers["Location"] == f"/console/unknown?days=1#m{mid}"
