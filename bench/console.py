"""Benchmark: the console's overview and a filtered participant list on many participants.

Usage: .venv/bin/python bench/console.py [--participants 1000000] [--db PATH]

Seeds a database (bench/bulk.py seed_console; reused when PATH already holds as many
participants), serves the console on a loopback port, logs in, and measures the time to first
byte of the overview, the overview for one wave, and filtered participant lists (5 runs each:
the first, with nothing cached, and the median; the overview reads the funnel's counts the
store keeps as participants change, squashed first as the console's background task does).
Then a broadcast to a six-figure segment: enqueueing time and page latency.
Prints the query plans of those queries, which should name the indexes.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web

from bench.bulk import seed_console
from bot.console.app import Console, mount
from bot.console.auth import hash_password
from bot.core.clock import FakeClock
from bot.core.program import load_program
from bot.storage.segments import Segment
from bot.storage.sqlite import SqliteStore

NOW = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)
PAGES = [
    ("overview", "/console/"),
    ("overview, wave 22", "/console/?wave=22"),
    ("list: wave 22, not bought", "/console/participants?wave=22&purchased=false"),
    (
        "list: WITA, whatsapp, deadline in 3 days",
        "/console/participants?zone=WITA&channel=whatsapp&deadline_days=3",
    ),
    ("list: incentive failed", "/console/participants?incentive_status=failed"),
    (
        "list: past deadline, not bought",
        "/console/participants?deadline_passed=true&purchased=false",
    ),
    ("inbox", "/console/handoffs"),
    ("delivery, 7 days", "/console/delivery"),
    ("response times, 7 days", "/console/handoffs-figures"),
    ("privacy (consent, retention)", "/console/privacy"),
    ("search: reference code", "/console/participants?q=PK-B000777777"),
    ("search: phone", "/console/participants?q=0812-0077-7777"),
]
PLANS = [
    Segment(wave=22, purchased=False),
    Segment(zone="Asia/Makassar", channel="whatsapp", deadline_days=3),
    Segment(incentive_status="failed"),
    Segment(query="PK-B000777777"),
]


def _count(path: Path) -> int:
    try:
        db = sqlite3.connect(path)
        try:
            return int(db.execute("SELECT COUNT(*) FROM participants").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return -1


def _remove(path: Path) -> None:
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        Path(name).unlink(missing_ok=True)


async def _ttfb(session: aiohttp.ClientSession, url: str) -> float:
    started = time.perf_counter()
    async with session.get(url, allow_redirects=False) as response:
        await response.content.readany()
        first = time.perf_counter() - started
        assert response.status == 200, (url, response.status)
        await response.read()
    return first


async def _broadcast(console: Console, session: aiohttp.ClientSession) -> None:
    """A broadcast to every participant on Telegram who has not bought (a six-figure segment):
    how long enqueueing takes, and how long a page waits meanwhile (pinged every 20 ms)."""
    segment = Segment(channel="telegram", purchased=False)
    started = time.perf_counter()
    bid, recipients = await console.broadcasts.create(
        "bench", segment, "Batas beli pelatihanmu sebentar lagi!", None, True, None
    )
    created = time.perf_counter() - started
    waits: list[float] = []
    done = asyncio.create_task(console.broadcasts.wait())
    while not done.done():
        begun = time.perf_counter()
        async with session.get("/console/login") as response:
            await response.read()
        waits.append(time.perf_counter() - begun)
        await asyncio.sleep(0.02)
    await done
    total = time.perf_counter() - started
    found = await console.store.broadcast(bid)
    assert found is not None and found.enqueued == recipients
    print(
        f"\nbroadcast to {recipients:,} recipients: created (counted) in {created * 1000:.0f} ms,"
        f" all rows enqueued in {total:.1f} s ({recipients / total:,.0f} rows/s)"
    )
    print(
        f"  a page meanwhile ({len(waits)} requests): median {statistics.median(waits) * 1000:.1f}"
        f" ms, max {max(waits) * 1000:.1f} ms"
    )


async def main(participants: int, path: Path) -> None:
    store = await SqliteStore.open(str(path))  # creates and migrates the schema
    if _count(path) != participants:
        await store.close()
        _remove(path)
        store = await SqliteStore.open(str(path))
        await store.close()
        started = time.perf_counter()
        seed_console(str(path), participants, now=NOW)
        print(f"seeded {participants:,} participants in {time.perf_counter() - started:.1f} s")
        store = await SqliteStore.open(str(path))
    clock = FakeClock(NOW)
    await store.add_operator("bench", "admin", hash_password("bench password 123"), NOW)
    console = Console(store, load_program(), clock, secure_cookies=False, refresh_funnel=True)
    app = web.Application()
    app.add_routes(console.routes())
    mount(app, console)
    started = time.perf_counter()
    rows = await store.squash_funnel()  # what the console's background task keeps doing
    print(
        f"the funnel's kept counts ({rows:,} rows) squashed in"
        f" {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession(
            base, cookie_jar=aiohttp.CookieJar(unsafe=True)
        ) as session:
            form = await (await session.get("/console/login")).text()
            csrf = form.split('name="csrf" value="')[1].split('"')[0]
            await session.post(
                "/console/login",
                data={"csrf": csrf, "name": "bench", "password": "bench password 123"},
            )
            print(f"\ntime to first byte on {participants:,} participants (5 runs)")
            for label, url in PAGES:
                console.funnel_cache.clear()  # the first run reads everything afresh
                runs = [await _ttfb(session, url) for _ in range(5)]
                print(
                    f"  {label:<42} first {runs[0] * 1000:7.1f} ms"
                    f"   median {statistics.median(runs) * 1000:7.1f} ms"
                )
            await _broadcast(console, session)
        print("\nquery plans")
        for segment in PLANS:
            where, params = segment.where(NOW)
            sql = (
                f"SELECT p.id FROM participants p WHERE {where} AND p.id > ?"
                " ORDER BY p.id LIMIT 50"
            )
            print(f"  list {segment.as_dict()}:")
            for line in await store.explain(sql, [*params, 0]):
                print(f"    {line}")
            count = f"SELECT COUNT(*) FROM participants p WHERE {where}"
            print(f"  count {segment.as_dict()}:")
            for line in await store.explain(count, params):
                print(f"    {line}")
        kept = (
            "SELECT step, SUM(n) FROM funnel_counts WHERE deadline_utc <= ? AND wave = ?"
            " GROUP BY step"
        )
        print("  the overview's funnel, wave 22 (the kept counts):")
        for line in await store.explain(kept, [NOW.isoformat(), 22]):
            print(f"    {line}")
        started = time.perf_counter()
        await store.funnel(Segment(), NOW)
        print(f"  (the funnel counted afresh: {time.perf_counter() - started:.2f} s)")
    finally:
        await runner.cleanup()
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"console-bench-{args.participants}.db"
    asyncio.run(main(args.participants, db))
