"""The "Flagged" page: redacted scam messages with a count per day (a wave shows as a spike),
admins only; the overview counts flagged messages and unreadable ones per kind."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.console.helpers import Client, add_participant, login


async def test_flagged_page_counts_per_day(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    now = clock.now()
    for _ in range(5):  # today's wave
        await store.record_flagged(p.id, "daftar di prakerja.vip ▒", ["lookalike"], True, now)
    await store.record_flagged(p.id, "biaya admin ▒", ["asks_money"], False, now - timedelta(1))
    await store.record_flagged(p.id, "lama sekali", ["joki"], False, now - timedelta(days=40))
    await login(client, "ana")
    page = await (await client.get("/console/flagged")).text()
    assert page.count("daftar di prakerja.vip ▒") == 5 and "biaya admin ▒" in page
    assert "lama sekali" not in page  # older than the 14 days shown
    today = now.astimezone(ZoneInfo("Asia/Jakarta")).date()
    rows = page.split('id="per-day"')[1].split("</table>")[0]
    assert ">5<" in rows and ">1<" in rows
    assert today.isoformat() in rows
    total = page.split('id="total">')[1].split("</p>")[0]
    assert total.startswith("6 pesan dalam 14 hari terakhir"), total
    assert "lama sekali" in await (await client.get("/console/flagged?days=60")).text()
    overview = await (await client.get("/console/")).text()
    assert 'id="flagged">6<' in overview


async def test_overview_counts_unreadable_messages_per_kind(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    for kind in ("voice", "voice", "sticker", "location"):
        await store.record_media(kind, clock.now())
    await store.record_media("voice", clock.now() - timedelta(days=9))
    await login(client, "ana")
    overview = await (await client.get("/console/")).text()
    table = overview.split('id="media"')[1].split("</table>")[0]
    assert ">2<" in table  # two voice notes this week (the older one not counted)
    assert table.count(">1<") == 2  # a sticker and a location


async def test_agents_cannot_see_it(client: Client) -> None:
    await login(client, "budi")
    assert (await client.get("/console/flagged")).status == 403
