"""Several instances on PostgreSQL, in one run: inbound updates/s, and reminder fan-out with
fail-over (figures in docs/benchmarks.md).

    .venv/bin/python bench/scaleout.py                      # everything (about 6 minutes)
    .venv/bin/python bench/scaleout.py --only inbound --participants 300 --duration 10
    .venv/bin/python bench/scaleout.py --only fanout --reminders 20000

1. Inbound: the real bot (webhook mode) as 1 instance on SQLite, then 1, 2 and 4 instances on
   one fresh PostgreSQL database; this process plays Telegram, a round-robin load balancer and
   the Bot API. Prints updates/s at saturation, CPU per update and the ratios to SQLite.
2. Fan-out: --reminders reminders due now on PostgreSQL (seeded in SQLite, moved with `db
   copy`), delivered by 2 instances (heartbeat, delivery leadership, the real worker and
   TelegramSender) to the fake Bot API in a child process answering 429 above 1,000/s (paid
   broadcast): share of the limit, 429s, duplicates, losses. Then the same with the delivering
   instance killed (SIGKILL) half way.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
import psycopg  # noqa: E402
import telegram_inbound as inbound  # noqa: E402
from postgres_cpu import postgres_cpu, postgres_cpu_since  # noqa: E402

from bench import bulk  # noqa: E402
from bench.fake_bot_api import per_kill, sends_from  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.storage.copy import copy_database  # noqa: E402
from bot.storage.sqlite import SqliteStore  # noqa: E402
from tests.fakes.bot_api import TOKEN, FakeBotApi  # noqa: E402

SECRET = inbound.SECRET
LIMIT = 1000.0  # paid broadcast


def fresh_database(server: str, name: str) -> str:
    """Drops and creates database `name` on `server` (a postgresql:// URL); its URL."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


# 1. inbound -------------------------------------------------------------------------------


class BalancedLoad(inbound.Load):
    """inbound.Load behind a round-robin load balancer over several instances' webhooks."""

    def __init__(self, api: FakeBotApi, urls: list[str], counts: Any) -> None:
        self.api = api
        self.urls = urls
        self.url, self._next = urls[0], 0
        self.onboarding_counts, self.cycle_counts = counts
        self.connections = 100  # what Telegram opens to one webhook URL at most
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.connections),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        self.latencies: list[float] = []
        self.errors = self.lost = 0

    async def post(self, update: dict[str, Any]) -> None:
        url = self.urls[self._next % len(self.urls)]
        self._next += 1
        async with self.session.post(url, json=update) as response:
            if response.status != 200:
                self.errors += 1
            else:
                self.api.state.webhook_answered(response.content_type, await response.read())


async def inbound_run(
    label: str, database_url: str, instances: int, args: argparse.Namespace, counts: Any
) -> float:
    async with FakeBotApi() as api:
        ports = [inbound.free_port() for _ in range(instances)]
        bots = []
        for n, port in enumerate(ports):
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "INSTANCE_ID": f"bench-{n}",
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_BASE_URL": api.base_url,
                "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "WEB_LISTEN": f"127.0.0.1:{port}",
                "DATABASE_POOL_SIZE": str(args.pool),
                "LOG_LEVEL": "WARNING",
            }
            bots.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", env=env, cwd=ROOT
                )
            )
        try:
            for _ in range(600):
                if len(api.state.of("setWebhook")) >= instances:
                    break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError(f"{label}: the instances did not all start")
            urls = [f"http://127.0.0.1:{port}/telegram" for port in ports]
            load = BalancedLoad(api, urls, counts)
            people = [inbound.Participant(100_000 + n) for n in range(args.participants)]
            await asyncio.gather(*(load.onboard(p) for p in people))
            gc.freeze()
            gc.disable()
            cpu = sum(inbound.cpu_seconds(b.pid) for b in bots)
            pg_cpu, own = postgres_cpu(), time.process_time()
            done, took = await inbound.saturate(load, people, args.duration)
            cpu = sum(inbound.cpu_seconds(b.pid) for b in bots) - cpu
            pg_cpu, own = postgres_cpu_since(pg_cpu), time.process_time() - own
            gc.enable()
            rate = done / took
            per = 1000 / done
            print(
                f"  {label:<28} {rate:>7,.0f} updates/s; CPU per update: bot {cpu * per:.2f} ms"
                f" ({cpu / took:.0%} of a core in all), PostgreSQL {pg_cpu * per:.2f} ms,"
                f" load generator + fake Bot API {own * per:.2f} ms; replies missing:"
                f" {load.lost}, webhook errors: {load.errors}",
                flush=True,
            )
            await load.session.close()
            return rate
        finally:
            for b in bots:
                b.send_signal(signal.SIGTERM)
            for b in bots:
                await asyncio.wait_for(b.wait(), 60)


async def inbound_bench(args: argparse.Namespace) -> None:
    print(
        f"inbound: {args.participants} participants, {args.duration:.0f} s at saturation per"
        f" configuration; {os.cpu_count()} cores shared by everything",
        flush=True,
    )
    counts = await inbound.reply_counts()
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        rates["sqlite"] = await inbound_run(
            "SQLite, 1 instance", f"sqlite:///{folder}/bench.db", 1, args, counts
        )
    for n in (1, 2, 4):
        url = fresh_database(args.server, "prakerja_scaleout")
        rates[f"pg{n}"] = await inbound_run(
            f"PostgreSQL, {n} instance{'s' if n > 1 else ''}", url, n, args, counts
        )
    base = rates["sqlite"]
    print(
        "  ratios to 1 instance on SQLite: "
        + ", ".join(f"{k.replace('pg', 'PostgreSQL ×')}: {v / base:.2f}" for k, v in rates.items())
    )


# 2. fan-out -------------------------------------------------------------------------------


async def child(args: argparse.Namespace) -> None:
    """One instance's delivery side: heartbeat, delivery leadership, the real worker and
    TelegramSender; exits when nothing is left to send."""
    from fanout import telegram_sender

    from bot.core.cluster import Heartbeat
    from bot.core.config import load_settings
    from bot.core.program import load_program
    from bot.outbox.delivery import DeliveryWorker
    from bot.outbox.jobs import OutboxScheduler
    from bot.outbox.planner import ReminderPlanner
    from bot.outbox.policy import limits_from_settings, policy_from_settings
    from bot.storage import open_store
    from handlers.notice_kinds import all_notices
    from handlers.notices import NoticeRegistry

    clock = SystemClock()
    settings = load_settings(
        database_url=args.db,
        telegram_paid_broadcast=True,
        telegram_paid_rate=LIMIT,
        outbox_interval=1.0,
        outbox_max_in_flight=args.in_flight,
    )
    store = await open_store(args.db, pool_size=4)
    heartbeat = Heartbeat(store, clock, args.instance)
    await heartbeat.start()
    sender = await telegram_sender(args.base_url, args.in_flight)
    program = load_program()
    worker = DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, all_notices()),
        {"telegram": sender},
        limits_from_settings(settings),
        policy_from_settings(settings),
    )
    jobs = OutboxScheduler(
        worker,
        ReminderPlanner(store, program, clock),
        interval=settings.outbox_interval,
        housekeeping_interval=None,
    )
    await jobs.start()
    print(json.dumps({"leading": jobs.leader.held if jobs.leader else False}), flush=True)
    end = time.perf_counter() + args.duration
    while time.perf_counter() < end:
        await asyncio.sleep(1.0)
        row = await store.db.fetchone(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')"
        )
        if row is not None and row[0] == 0:
            break
    await jobs.stop()
    await heartbeat.stop()
    await sender.bot.shutdown()  # type: ignore[attr-defined]
    await store.close()
    totals = worker.totals
    print(json.dumps({"sent": totals.sent, "rate_limited": totals.rate_limited}), flush=True)


def pg_counts(url: str) -> tuple[dict[str, int], Counter[str]]:
    with psycopg.connect(url) as conn:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
        sql = "SELECT p.chat_id FROM outbox o JOIN participants p ON p.id = o.participant_id"
        recorded = Counter(r[0] for r in conn.execute(f"{sql} WHERE o.state = 'sent'"))
    return states, recorded


def leader_index(url: str) -> int | None:
    """Which instance holds claimed rows right now (the delivering one)."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT claimed_by FROM outbox WHERE state = 'sending' AND claimed_by IS NOT NULL"
            " LIMIT 1"
        ).fetchone()
    if row is None:
        return None
    return int(str(row[0]).split("/", 1)[0].removeprefix("bench-"))


async def fanout_run(args: argparse.Namespace, kill: bool) -> None:
    from fanout import FakeApiProcess

    url = fresh_database(args.server, f"prakerja_fanout_{os.getpid()}")
    with tempfile.TemporaryDirectory() as folder:
        seed = f"{folder}/seed.db"
        store = await SqliteStore.open(seed)
        await store.close()
        bulk.seed(
            seed, args.reminders, now=(n := SystemClock().now()), timezone=bulk.daytime_zone(n)
        )
        started = time.perf_counter()
        await asyncio.to_thread(copy_database, f"sqlite:///{seed}", url)
        copied = time.perf_counter() - started
    fake = FakeApiProcess(LIMIT)
    children = []
    for n in range(2):
        command = [
            sys.executable,
            __file__,
            "--child",
            "--db",
            url,
            "--base-url",
            fake.base_url,
            "--instance",
            f"bench-{n}",
            "--in-flight",
            str(args.in_flight),
            "--duration",
            str(args.fanout_timeout),
        ]
        children.append(await asyncio.create_subprocess_exec(*command, stdout=subprocess.PIPE))
    t0 = time.perf_counter()
    kills: list[float] = []
    if kill:
        while time.perf_counter() - t0 < args.fanout_timeout:
            await asyncio.sleep(0.2)
            states, _ = await asyncio.to_thread(pg_counts, url)
            if states.get("sent", 0) >= args.reminders // 2:
                index = await asyncio.to_thread(leader_index, url)
                if index is not None:
                    kills.append(time.monotonic())
                    children[index].kill()  # SIGKILL: no clean stop, its claims stay behind
                    killed_at = time.perf_counter() - t0
                    print(
                        f"  killed instance bench-{index} (SIGKILL) at {killed_at:.1f} s with"
                        f" {states.get('sent', 0):,} rows recorded sent and"
                        f" {states.get('sending', 0):,} claimed",
                        flush=True,
                    )
                    break
    reports = []
    for proc in children:
        out, _ = await proc.communicate()
        lines = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
        reports.append(lines)
    elapsed = time.perf_counter() - t0
    server = fake.summary()
    states, recorded = await asyncio.to_thread(pg_counts, url)
    received: Counter[str] = server["received"]
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    never = sum(1 for chat in recorded if chat not in received)
    lost = never + states.get("failed", 0) + states.get("cancelled", 0)
    lost += states.get("pending", 0) + states.get("sending", 0)
    accepted = server["accepted"]
    rate = accepted / server["seconds"] if server["seconds"] else 0.0
    title = "one instance killed half way" if kill else "2 instances"
    print(f"  fan-out, {title}: (seeded and copied to PostgreSQL in {copied:.1f} s)")
    print(
        f"    delivered {accepted:,} messages to {len(received):,} chats in"
        f" {server['seconds']:.1f} s = {rate:,.0f}/s = {rate / LIMIT:.1%} of the 1,000/s limit"
    )
    steps = " ".join(f"{r:.0f}" for r in server.get("timeline", []))
    print(f"    requests/s per 10 s: {steps}")
    print(
        f"    429s: {server['throttled']:,}; rows by state: {json.dumps(states, sort_keys=True)}"
    )
    print(f"    duplicates: {duplicates}; lost: {lost}; run took {elapsed:.1f} s", flush=True)
    if kills:
        found, _ = per_kill(sends_from(server["sends"]), kills)
        print(f"    at the kill: {found[0].duplicates} duplicated, {found[0].in_flight} in flight")
    for n, lines in enumerate(reports):
        final = next((x for x in reversed(lines) if "sent" in x), None)
        led = any(x.get("leading") for x in lines)
        what = f"sent {final['sent']:,}" if final else "killed before reporting"
        print(f"    bench-{n}: {'led at start' if led else 'standby at start'}; {what}")


async def fanout_bench(args: argparse.Namespace) -> None:
    print(f"fan-out: {args.reminders:,} reminders at 1,000/s (paid broadcast), 2 instances")
    await fanout_run(args, kill=False)
    await fanout_run(args, kill=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("inbound", "fanout"))
    parser.add_argument(
        "--server", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server"
    )
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--duration", type=float, default=15.0, help="saturation seconds")
    parser.add_argument("--pool", type=int, default=10, help="DATABASE_POOL_SIZE per instance")
    parser.add_argument("--reminders", type=int, default=20_000)
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--fanout-timeout", type=float, default=180.0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.child:
        asyncio.run(child(args))
        return
    if args.only != "fanout":
        asyncio.run(inbound_bench(args))
    if args.only != "inbound":
        asyncio.run(fanout_bench(args))
    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as conn:
        for name in ("prakerja_scaleout", "prakerja_fanout"):
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
