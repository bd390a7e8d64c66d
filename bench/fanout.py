"""Reminder fan-out benchmark: the real delivery job against a Bot API that answers 429 above
its limit; and the due-row search on a 10k vs a 1M-participant database.

    .venv/bin/python bench/fanout.py                          # 100,000 at 30/s (about 55 min)
    .venv/bin/python bench/fanout.py --participants 3000 --duration 90
    .venv/bin/python bench/fanout.py --paid --participants 60000 --duration 90   # 1,000/s
    .venv/bin/python bench/fanout.py --scale                  # claim time 10k vs 1M, RSS

`--sender telegram` (default) sends through the real TelegramSender (python-telegram-bot,
HTTP) to the fake Bot API of tests/fakes/bot_api.py running in a child process on 127.0.0.1
(TELEGRAM_BASE_URL points at it); `--sender memory` uses an in-process fake with the same 429
rule (no HTTP), to measure the worker alone. Prints achieved messages/s, the ratio to the
limit, 429s received, duplicates and losses, and the bot process's RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bulk  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.core.config import load_settings  # noqa: E402
from bot.core.outbound import Delivery, Outbound, Outcome, Sender  # noqa: E402
from bot.core.program import load_program  # noqa: E402
from bot.outbox.delivery import DeliveryWorker  # noqa: E402
from bot.outbox.jobs import OutboxScheduler  # noqa: E402
from bot.outbox.planner import ReminderPlanner  # noqa: E402
from bot.outbox.policy import limits_from_settings, policy_from_settings  # noqa: E402
from bot.storage.outbox import Outcome as Written  # noqa: E402
from bot.storage.sqlite import SqliteStore  # noqa: E402
from handlers.notice_kinds import all_notices  # noqa: E402
from handlers.notices import NoticeRegistry  # noqa: E402


def rss() -> str:
    """The process's resident memory now and at its peak (Linux)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return f"RSS {fields.get('VmRSS', 0):.0f} MB (peak {fields.get('VmHWM', 0):.0f} MB)"


class MemorySender:
    """An in-process Telegram stand-in: 429 (retry after 1 s) above `limit` per sliding second."""

    channel = "telegram"

    def __init__(self, limit: float, latency: float = 0.002) -> None:
        self.limit = limit
        self.latency = latency
        self.window: deque[float] = deque()
        self.received: Counter[str] = Counter()
        self.throttled = 0
        self.first = self.last = 0.0

    async def send(self, message: Outbound) -> Delivery:
        await asyncio.sleep(self.latency)
        now = time.monotonic()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.throttled += 1
            return Delivery(Outcome.RETRY_AFTER, retry_after=1.0)
        self.window.append(now)
        self.received[message.chat_id] += 1
        self.first = self.first or now
        self.last = now
        return Delivery(Outcome.SENT, message_ids=(str(sum(self.received.values())),))

    def summary(self) -> dict[str, Any]:
        return {
            "accepted": sum(self.received.values()),
            "throttled": self.throttled,
            "seconds": self.last - self.first,
            "received": self.received,
        }


class FakeApiProcess:
    """tests/fakes/bot_api.py's FakeBotApi in a child process (so it does not share our CPU
    time or memory); reports what it received when its stdin closes."""

    def __init__(self, limit: float, latency: float = 0.0) -> None:
        """`latency`: each send answered that many seconds late."""
        script = ROOT / "bench" / "fake_bot_api.py"
        self.proc = subprocess.Popen(
            [sys.executable, str(script), "--limit", str(limit), "--latency", str(latency)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def summary(self) -> dict[str, Any]:
        out, _ = self.proc.communicate(timeout=120)
        data: dict[str, Any] = json.loads(out)
        data["received"] = Counter(data["received"])
        return data


async def telegram_sender(base_url: str, in_flight: int) -> Sender:
    """The real TelegramSender on the bot's own aiohttp transport, one connection per send in
    flight."""
    from telegram import Bot

    from bot.channels.telegram.aiohttp_request import AiohttpRequest
    from bot.channels.telegram.sender import TelegramSender
    from tests.fakes.bot_api import TOKEN

    request = AiohttpRequest(pool_size=in_flight)
    bot = Bot(TOKEN, base_url=base_url, request=request)
    await bot.initialize()
    return TelegramSender(bot)


def worker_settings(path: str, args: argparse.Namespace, limit: float) -> Any:
    """The bot's settings for one delivery process (its share of the channel's limit)."""
    return load_settings(
        database_url=f"sqlite:///{path}",
        telegram_paid_broadcast=args.paid,
        telegram_rate=30.0 if args.paid else limit,
        telegram_paid_rate=limit if args.paid else 1000.0,
        outbox_interval=args.interval,
        outbox_max_in_flight=args.in_flight,
    )


async def deliver(path: str, sender: Sender, args: argparse.Namespace, limit: float) -> Any:
    """Runs the real delivery job (APScheduler + worker) until nothing is left or time is up."""
    clock = SystemClock()
    settings = worker_settings(path, args, limit)
    store = await SqliteStore.open(path)
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
    end = time.perf_counter() + args.duration
    await jobs.start()
    checked = 0.0
    while time.perf_counter() < end:
        await asyncio.sleep(0.25)
        if time.perf_counter() - checked > 1.0:
            checked = time.perf_counter()
            if bulk.unsent(path) == 0:
                break
    await jobs.stop()
    await store.close()
    return worker.totals


async def child(args: argparse.Namespace) -> None:
    """One of several delivery processes (--processes): prints its totals and RSS as JSON."""
    sender = await telegram_sender(args.base_url, args.in_flight)
    totals = await deliver(args.db, sender, args, args.share)
    await sender.bot.shutdown()  # type: ignore[attr-defined]
    print(json.dumps({"sent": totals.sent, "rate_limited": totals.rate_limited, "rss": rss()}))


async def fanout(args: argparse.Namespace) -> None:
    limit = 1000.0 if args.paid else float(args.limit)
    workdir = Path(tempfile.mkdtemp(prefix="fanout-"))
    path = str(workdir / "bench.db")
    store = await SqliteStore.open(path)
    await store.close()
    started = time.perf_counter()
    now = SystemClock().now()
    bulk.seed(path, args.participants, now=now, timezone=bulk.daytime_zone(now))
    print(f"seeded {args.participants:,} participants in {time.perf_counter() - started:.1f}s")
    mode = "paid broadcast" if args.paid else "default"
    share = limit / args.processes
    print(
        f"sending through {args.sender} at a limit of {limit:,.0f}/s ({mode});"
        f" {args.processes} delivery process(es) at {share:,.0f}/s each"
    )
    t0 = time.perf_counter()
    memory_lines: list[str] = []
    rate_limited = 0
    if args.sender == "memory":
        memory = MemorySender(limit)
        totals = await deliver(path, memory, args, limit)
        memory_lines.append(rss())
        rate_limited = totals.rate_limited
        server = memory.summary()
    else:
        fake = FakeApiProcess(limit)
        if args.processes == 1:
            sender = await telegram_sender(fake.base_url, args.in_flight)
            totals = await deliver(path, sender, args, limit)
            await sender.bot.shutdown()  # type: ignore[attr-defined]
            memory_lines.append(rss())
            rate_limited = totals.rate_limited
        else:
            command = [
                sys.executable,
                __file__,
                "--child",
                "--db",
                path,
                "--base-url",
                fake.base_url,
                "--share",
                str(share),
                "--duration",
                str(args.duration),
                "--interval",
                str(args.interval),
                "--in-flight",
                str(args.in_flight),
                *(["--paid"] if args.paid else []),
            ]
            children = [
                await asyncio.create_subprocess_exec(*command, stdout=subprocess.PIPE)
                for _ in range(args.processes)
            ]
            for proc in children:
                out, _ = await proc.communicate()
                report = json.loads(out.decode().strip().splitlines()[-1])
                rate_limited += report["rate_limited"]
                memory_lines.append(report["rss"])
        server = fake.summary()
    elapsed = time.perf_counter() - t0
    received: Counter[str] = server["received"]
    states = bulk.states(path)
    recorded = Counter(bulk.sent_chats(path))
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    lost = sum(1 for chat in recorded if chat not in received)  # recorded sent, never arrived
    lost += states.get("failed", 0) + states.get("cancelled", 0)
    unrecorded = sum(1 for chat in received if chat not in recorded)  # arrived, not recorded
    accepted = server["accepted"]
    rate = accepted / server["seconds"] if server["seconds"] else 0.0
    print(f"ran {elapsed:.1f}s; rows by state: {json.dumps(states, sort_keys=True)}")
    print(f"delivered {accepted:,} messages in {server['seconds']:.1f}s")
    if server.get("timeline"):
        steps = " ".join(f"{r:.0f}" for r in server["timeline"])
        print(f"requests/s per 10 s: {steps}")
    print(f"achieved {rate:,.1f} msg/s = {rate / limit:.1%} of the {limit:,.0f}/s limit")
    print(f"429s received: {server['throttled']:,}; the workers saw {rate_limited:,}")
    print(f"duplicates: {duplicates}; lost: {lost}; sent but not yet recorded: {unrecorded}")
    still = states.get("pending", 0) + states.get("sending", 0)
    print(f"still queued at the end of the run (delivered by the next runs): {still:,}")
    for n, line in enumerate(memory_lines, 1):
        print(f"bot delivery process {n}: {line}")


async def scale(args: argparse.Namespace) -> None:
    """The due-row search on a small and a large table: same plan, same cost."""
    clock = SystemClock()
    for size in (10_000, 1_000_000):
        workdir = Path(tempfile.mkdtemp(prefix="scale-"))
        path = str(workdir / "scale.db")
        store = await SqliteStore.open(path)
        await store.close()
        started = time.perf_counter()
        bulk.seed(path, size, now=clock.now(), due_rows=1000, history=True)
        seeded = time.perf_counter() - started
        store = await SqliteStore.open(path)
        now = clock.now()
        plan = await store.explain_claim(now, ["telegram"])
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            rows = await store.claim_due(now, now + timedelta(minutes=5), ["telegram"], 200)
            times.append((time.perf_counter() - t) * 1000)
            await store.record_outcomes(
                [Written(r.id, "pending", None, count_attempt=False) for r in rows], now
            )
        total = (await store.db.fetchone("SELECT COUNT(*) FROM outbox") or [0])[0]
        print(
            f"{size:>9,} participants, {total:,} outbox rows (1,000 due); seeded in {seeded:.1f}s"
        )
        print(f"  plan: {' | '.join(plan)}")
        print(
            f"  claim 200 due rows: median {statistics.median(times):.2f} ms,"
            f" max {max(times):.2f} ms over {args.repeat} claims"
        )
        # Deliver the due rows through the worker on the big table and show the memory.
        memory = MemorySender(1000.0, latency=0.0)
        program = load_program()
        settings = load_settings(database_url=f"sqlite:///{path}")
        worker = DeliveryWorker(
            store,
            program,
            clock,
            NoticeRegistry(program, clock, store, all_notices()),
            {"telegram": memory},
            limits_from_settings(settings),
            policy_from_settings(settings),
        )
        stats = await worker.run_once()
        print(f"  delivery run on this table: {stats.sent:,} sent; bot process {rss()}")
        await store.close()


def main() -> None:
    chooser = argparse.ArgumentParser(add_help=False)
    chooser.add_argument("--channel", choices=("telegram", "whatsapp"), default="telegram")
    chosen, rest = chooser.parse_known_args()
    if chosen.channel == "whatsapp":
        # The WhatsApp mode: reminders through the fake Graph API at its limit.
        script = Path(__file__).with_name("fanout_whatsapp.py")
        sys.argv = [str(script), *rest]
        runpy.run_path(str(script), run_name="__main__")
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--channel",
        choices=("telegram", "whatsapp"),
        default="telegram",
        help="whatsapp: run bench/fanout_whatsapp.py with the other options",
    )
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--limit", type=float, default=30.0, help="the Bot API limit (msg/s)")
    parser.add_argument("--paid", action="store_true", help="paid broadcast: 1,000/s")
    parser.add_argument("--duration", type=float, default=4000.0, help="stop after (s)")
    parser.add_argument("--interval", type=float, default=5.0, help="OUTBOX_INTERVAL (s)")
    parser.add_argument("--in-flight", type=int, default=64, help="OUTBOX_MAX_IN_FLIGHT")
    parser.add_argument("--sender", choices=("telegram", "memory"), default="telegram")
    parser.add_argument("--scale", action="store_true", help="claim time at 10k vs 1M rows")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--processes", type=int, default=1, help="delivery processes sharing the outbox"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--share", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.child:
        asyncio.run(child(args))
    else:
        asyncio.run(scale(args) if args.scale else fanout(args))


if __name__ == "__main__":
    main()
