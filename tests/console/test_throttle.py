"""Failed logins slow down who fails (name and address, growing delays), never lock a name out
for everyone; refusals are in the audit log with the address they came from."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import ClientResponse

from bot.console.throttle import ADDRESS, PAIR, Throttle, delay
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.console.helpers import PASSWORD, Client, csrf_of

ATTACKER = "203.0.113.7"
ANA_AT_HOME = "198.51.100.20"


async def _try(client: Client, name: str, password: str, address: str) -> ClientResponse:
    form = await client.get("/console/login")
    token = csrf_of(await form.text())
    # the test server listens on a loopback address: a trusted proxy, as nginx is
    return await client.post(
        "/console/login",
        data={"csrf": token, "name": name, "password": password},
        headers={"X-Forwarded-For": f"10.9.9.9, {address}"},
        allow_redirects=False,
    )


def test_delays_grow_and_stop_growing() -> None:
    assert [delay(PAIR, n).total_seconds() for n in range(2, 7)] == [0, 30, 60, 120, 240]
    assert delay(PAIR, 40) == PAIR.longest
    assert delay(ADDRESS, 9) == timedelta(0) and delay(ADDRESS, 10) == timedelta(seconds=30)


async def test_a_stranger_guessing_slows_only_themselves(
    client: Client, clock: FakeClock, store: SqlStore
) -> None:
    for _ in range(3):
        assert (await _try(client, "ana", "wrong password 123", ATTACKER)).status == 401
    refused = await _try(client, "ana", PASSWORD, ATTACKER)
    assert refused.status == 429  # even the right password waits, from that address
    assert "coba lagi dalam 1 menit" in await refused.text()
    # ana herself, from her own address, is not blocked by the stranger
    assert (await _try(client, "ana", PASSWORD, ANA_AT_HOME)).status == 303
    clock.advance(timedelta(seconds=31))
    assert (await _try(client, "ana", "wrong password 123", ATTACKER)).status == 401
    clock.advance(timedelta(seconds=31))  # the 4th failure costs 60 s now
    assert (await _try(client, "ana", PASSWORD, ATTACKER)).status == 429
    clock.advance(timedelta(seconds=30))
    assert (await _try(client, "ana", PASSWORD, ATTACKER)).status == 303
    entries = await store.audit_entries()
    wrong = [e for e in entries if e.action == "login_wrong"]
    assert len(wrong) == 4 and {e.detail["from"] for e in wrong} == {ATTACKER}
    throttled = [e for e in entries if e.action == "login_throttled"]
    assert len(throttled) == 2 and throttled[0].detail["from"] == ATTACKER
    assert [e.detail["from"] for e in entries if e.action == "login"] == [
        ATTACKER,
        ANA_AT_HOME,
    ]


async def test_an_address_trying_many_names_is_slowed_down(client: Client) -> None:
    for n in range(10):
        assert (await _try(client, f"name{n}", "wrong password 123", ATTACKER)).status == 401
    assert (await _try(client, "budi", PASSWORD, ATTACKER)).status == 429
    assert (await _try(client, "budi", PASSWORD, ANA_AT_HOME)).status == 303


async def test_an_unknown_name_is_answered_like_a_real_one(client: Client) -> None:
    pages = {}
    for name in ("ana", "nobody"):
        for _ in range(3):
            await _try(client, name, "wrong password 123", ATTACKER)
        again = await _try(client, name, "wrong password 123", ATTACKER)
        assert again.status == 429
        pages[name] = await again.text()
    assert pages["ana"] == pages["nobody"]  # the answer never tells which names exist


async def test_a_new_password_forgives_the_failures(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    for _ in range(4):
        await _try(client, "ana", "wrong password 123", ATTACKER)
    await Throttle(store, clock).forgive("ana")
    assert (await _try(client, "ana", PASSWORD, ATTACKER)).status == 303


async def test_the_login_forms_token_must_match_its_cookie(
    client: Client, store: SqlStore
) -> None:
    await client.get("/console/login")  # sets the double-submit cookie
    forged = await client.post(
        "/console/login",
        data={"csrf": "forged-token-of-the-same-length!", "name": "ana", "password": PASSWORD},
        headers={"X-Forwarded-For": ATTACKER},
    )
    assert forged.status == 403
    refused = [e for e in await store.audit_entries() if e.action == "refused_csrf"]
    assert refused and refused[0].detail == {"from": ATTACKER, "path": "/console/login"}
