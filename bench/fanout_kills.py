"""Fan-out with kills: the real `prakerja-bot run` delivering reminders to a loopback fake Bot
API, killed (`kill -9`, or SIGTERM) and restarted several times mid-broadcast.

    .venv/bin/python bench/fanout_kills.py                        # 3,000 at 200/s, 3 × kill -9
    .venv/bin/python bench/fanout_kills.py --signal term --kills 5
    .venv/bin/python bench/fanout_kills.py --participants 10000 --lease 300

    .venv/bin/python bench/fanout_kills.py --participants 20000 --limit 300 --kills 5

Prints, from the fake's side (what Telegram would have received) and the database's: messages
lost (recorded sent but never received, or failed/cancelled, or still unsent at the end),
duplicated (received more than once), whether every duplicate is identical to the first copy,
rows left in `sending`, and the time to finish after the last restart. Per kill: the copies
sent again of messages first sent before it, the requests in flight at it (the fake had
taken them and not answered yet; `--latency` makes the fake answer later, like a far server),
how long before it the oldest of the repeated requests had been answered (the bot had that
answer and had not committed it), and the rate while a process was sending. A killed process's
claimed rows come back when their lease runs out (OUTBOX_LEASE_SECONDS, `--lease`); issue 14
replaces that with an instance heartbeat.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bulk  # noqa: E402
from bench.fake_bot_api import KILL_SLACK, per_kill, sends_from  # noqa: E402
from bench.fanout import FakeApiProcess  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.storage.sqlite import SqliteStore  # noqa: E402
from tests.fakes.bot_api import TOKEN  # noqa: E402
from tests.helpers import free_port  # noqa: E402


def bot(path: str, base_url: str, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "WEB_LISTEN": f"127.0.0.1:{free_port()}",
        "TELEGRAM_RATE": str(args.limit),
        "TELEGRAM_CHAT_RATE": "1",
        "OUTBOX_INTERVAL": "1",
        "OUTBOX_LEASE_SECONDS": str(args.lease),
        "OUTBOX_MAX_IN_FLIGHT": str(args.in_flight),
        "LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "prakerja-bot"), "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def rates(arrivals: list[float], kills: list[float]) -> list[float]:
    """Messages per second while each process was sending (first to last send before its
    kill, and the last process's)."""
    found = []
    edges = [float("-inf"), *(k + KILL_SLACK for k in kills), float("inf")]
    for start, end in pairwise(edges):
        inside = [a for a in arrivals if start < a <= end]
        if len(inside) > 1 and inside[-1] > inside[0]:
            found.append(len(inside) / (inside[-1] - inside[0]))
    return found


def count(path: str, sql: str) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute(sql).fetchone()[0])
    finally:
        db.close()


async def migrate(path: str) -> None:
    store = await SqliteStore.open(path)
    await store.close()


def run(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fanout-kills-"))
    path = str(workdir / "bench.db")
    asyncio.run(migrate(path))
    seeded_at = SystemClock().now()
    bulk.seed(path, args.participants, now=seeded_at)
    # The bot's housekeeping also plans each participant's reminders: only the seeded rows
    # (see below) are the fan-out.
    due_now = "idempotency_key LIKE 'fan:%'"
    zone = bulk.daytime_zone(datetime.now(UTC))
    db = sqlite3.connect(path)
    db.execute("UPDATE participants SET timezone = ?", (zone,))
    # The fan-out as incentive updates, which the bot's housekeeping does not re-plan (it
    # re-plans reminders, and would move these to each participant's reminder time).
    update = json.dumps(
        {"item": "incentive.1", "kind": "incentive", "index": 1, "amount": 600000}
        | {"status": "processing", "date": "2021-12-12"}
    )
    db.execute(
        "UPDATE outbox SET kind = 'incentive', payload = ?, idempotency_key = 'fan:' || id",
        (update,),
    )
    db.commit()
    db.close()
    print(
        f"seeded {args.participants:,} messages due now (zone {zone}); limit {args.limit:.0f}/s;"
        f" {args.kills} × {'kill -9' if args.signal == 'kill' else 'SIGTERM'}"
        f" every {args.every:.1f}s; lease {args.lease:.0f}s"
    )
    fake = FakeApiProcess(args.limit, args.latency)
    sig = signal.SIGKILL if args.signal == "kill" else signal.SIGTERM
    sending_after_term = []
    kills: list[float] = []
    for _ in range(args.kills):
        proc = bot(path, fake.base_url, args)
        time.sleep(args.every)
        kills.append(time.monotonic())
        proc.send_signal(sig)
        proc.wait(timeout=60)
        sending_after_term.append(
            count(path, "SELECT COUNT(*) FROM outbox WHERE state = 'sending'")
        )
    restarted = time.perf_counter()
    proc = bot(path, fake.base_url, args)
    deadline = restarted + args.timeout
    unsent = f"SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending') AND {due_now}"
    while count(path, unsent) and time.perf_counter() < deadline:
        time.sleep(0.25)
    finished = time.perf_counter() - restarted
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    server = fake.summary()
    received = Counter(server["received"])
    texts: dict[str, list[str]] = server.get("texts", {})
    db = sqlite3.connect(path)
    states = dict(
        db.execute(f"SELECT state, COUNT(*) FROM outbox WHERE {due_now} GROUP BY state").fetchall()
    )
    db.close()
    db = sqlite3.connect(path)
    recorded = Counter(
        str(r[0])
        for r in db.execute(
            "SELECT p.chat_id FROM outbox o JOIN participants p ON p.id = o.participant_id"
            f" WHERE o.state = 'sent' AND {due_now}"
        )
    )
    db.close()
    duplicated = sum(n - 1 for n in received.values() if n > 1)
    differing = sum(1 for chat, got in texts.items() if len(set(got)) > 1)
    lost = sum(1 for chat in recorded if chat not in received)
    lost += states.get("failed", 0) + states.get("cancelled", 0)
    lost += states.get("pending", 0) + states.get("sending", 0)
    print(f"rows by state: {json.dumps(states, sort_keys=True)}")
    print(f"rows left in 'sending' right after each stop: {sending_after_term}")
    print(f"received {sum(received.values()):,} messages for {len(received):,} chats")
    print(
        f"lost: {lost}; duplicated: {duplicated}; duplicates differing from the first: {differing}"
    )
    print(f"time to finish after the last restart: {finished:.1f}s")
    sends = sends_from(server["sends"])
    found, stray = per_kill(sends, kills)
    print(f"duplicates per kill: {[k.duplicates for k in found]} (not at a kill: {stray})")
    if args.signal == "kill":  # after SIGTERM the process finishes its sends: not in flight
        print(f"requests in flight at each kill: {[k.in_flight for k in found]}")
        ages = [round(k.answered_before * 1000, 1) for k in found]
        print(f"oldest repeated answer, ms before each kill (not yet committed): {ages}")
    speeds = rates(sorted(s.arrived for s in sends if s.accepted), kills)
    print(f"msg/s while sending, per process: {[round(r) for r in speeds]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--limit", type=float, default=200.0, help="the Bot API limit (msg/s)")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between restarts")
    parser.add_argument("--signal", choices=("kill", "term"), default="kill")
    parser.add_argument("--lease", type=float, default=20.0, help="OUTBOX_LEASE_SECONDS")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--in-flight", type=int, default=64, help="OUTBOX_MAX_IN_FLIGHT")
    parser.add_argument("--latency", type=float, default=0.0, help="the fake's answer delay (s)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
