"""WhatsApp reminder fan-out: N participants inside the 24-hour window get a reminder through
the real WhatsAppSender (httpx) and a loopback fake Graph API (tests/fakes/graph_api.py) that
answers error 130429 above its messages-per-second limit.

    .venv/bin/python bench/fanout_whatsapp.py                         # 2,000 at 80/s
    .venv/bin/python bench/fanout_whatsapp.py --participants 800 --rate 120   # above the limit

The rows are real outbox rows delivered by the outbox delivery worker (bot/outbox/delivery.py) when
this tree has it; otherwise a minimal paced loop stands in for it (said in the output).
Prints achieved messages/s, the ratio to the limit, errors (130429s and failed rows),
duplicates (a participant reached twice) and losses (a participant never reached).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bulk  # noqa: E402
from bot.channels.whatsapp.sender import WhatsAppConfig, WhatsAppSender  # noqa: E402
from bot.conversation.context import Context  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.core.domain import Option, Participant, Reply  # noqa: E402
from bot.core.outbound import Outbound, Outcome  # noqa: E402
from bot.core.program import load_program  # noqa: E402
from bot.storage.sqlite import SqliteStore  # noqa: E402
from bot.storage.store import SqlStore  # noqa: E402
from handlers.notice_kinds import all_notices  # noqa: E402
from handlers.notices import Notice, NoticeRegistry  # noqa: E402
from tests.fakes.graph_api import FakeGraphApi  # noqa: E402

KIND = "benchwa"
PHONE_NUMBER_ID = "106540352242922"
TOKEN = "bench-token"


def _render(ctx: Context, payload: dict[str, Any]) -> list[Reply]:
    return [
        Reply("Pengingat: batas beli pelatihanmu 3 hari lagi.", (Option("menu:show", "Menu"),))
    ]


def _applies(participant: Participant, payload: dict[str, Any], now: Any) -> bool:
    return True


async def seed(store: SqlStore, n: int) -> None:
    """N WhatsApp participants who wrote an hour ago, each with one due reminder row."""
    now = SystemClock().now()
    rows = [
        (
            "whatsapp",
            f"62812{i:08d}",
            f"62812{i:08d}",
            "menu",
            "id",
            bulk.daytime_zone(now),  # midday there: outside quiet hours
            f"PK-B{i:07d}",
            (now - timedelta(hours=1)).isoformat(),
            now.isoformat(),
            now.isoformat(),
        )
        for i in range(n)
    ]
    await store.db.executemany(
        "INSERT INTO participants (channel, user_id, chat_id, step, locale, timezone, ref_code,"
        " last_inbound_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    ids = [r[0] for r in await store.db.fetchall("SELECT id FROM participants")]
    async with store.transaction():
        for pid in ids:
            await store.enqueue(pid, KIND, now, {}, f"{KIND}:{pid}", now=now)


async def deliver_with_worker(store: SqlStore, sender: WhatsAppSender, rate: float) -> str:
    """The real outbox delivery worker; returns a description of the driver."""
    from bot.outbox.delivery import DeliveryWorker
    from bot.outbox.policy import ChannelLimit, Policy

    program, clock = load_program(), SystemClock()
    worker = DeliveryWorker(
        store,
        program,
        clock,
        NoticeRegistry(program, clock, store, {**all_notices(), KIND: Notice(_render, _applies)}),
        {"whatsapp": sender},
        {"whatsapp": ChannelLimit(rate=rate)},
        Policy(max_in_flight=64),
    )
    deadline = time.monotonic() + 3600
    while await pending(store) and time.monotonic() < deadline:
        await worker.run_once()
        await asyncio.sleep(0.05)
    return "outbox delivery worker (bot/outbox/delivery.py)"


async def deliver_paced(store: SqlStore, sender: WhatsAppSender, rate: float) -> str:
    """Stand-in for the worker: sends each due row at `rate`/s, pausing on RETRY_AFTER."""
    rows = [
        (r[0], r[1])
        for r in await store.db.fetchall(
            "SELECT o.id, p.chat_id FROM outbox o JOIN participants p ON p.id = o.participant_id"
            " WHERE o.state = 'pending' ORDER BY o.id"
        )
    ]
    gap = 1.0 / rate
    slot = time.monotonic()
    paused_until = 0.0
    lock = asyncio.Lock()
    gate = asyncio.Semaphore(64)

    async def one(outbox_id: int, chat_id: str) -> None:
        nonlocal slot, paused_until
        message = Outbound(
            chat_id,
            tuple(_render(None, {})),
            extra={"outbox_id": str(outbox_id), "kind": KIND},  # type: ignore[arg-type]
        )
        for _ in range(20):
            async with lock:
                now = time.monotonic()
                slot = max(slot + gap, now, paused_until)
                wait = slot - now
            await asyncio.sleep(wait)
            async with gate:
                delivery = await sender.send(message)
            if delivery.outcome != Outcome.RETRY_AFTER:
                state = "sent" if delivery.outcome == Outcome.SENT else "failed"
                await store.db.execute(
                    "UPDATE outbox SET state = ? WHERE id = ?", (state, outbox_id)
                )
                return
            paused_until = max(paused_until, time.monotonic() + (delivery.retry_after or 1.0))

    await asyncio.gather(*(one(i, c) for i, c in rows))
    return "a minimal paced loop (bot/outbox/delivery.py is not in this tree yet)"


async def pending(store: SqlStore) -> int:
    row = await store.db.fetchone(
        "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
    )
    return int(row[0]) if row else 0


async def main(args: argparse.Namespace) -> None:
    path = str(Path(tempfile.mkdtemp(prefix="fanout-wa-")) / "bench.db")
    store = await SqliteStore.open(path)
    await seed(store, args.participants)
    print(f"seeded {args.participants:,} WhatsApp participants inside the window")
    async with FakeGraphApi(PHONE_NUMBER_ID, TOKEN) as graph:
        graph.limit = args.limit
        config = WhatsAppConfig(TOKEN, PHONE_NUMBER_ID, graph.base_url, rate=args.rate)
        sender = WhatsAppSender(config, store, SystemClock())
        started = time.monotonic()
        try:
            import bot.outbox.delivery  # noqa: F401

            driver = await deliver_with_worker(store, sender, args.rate)
        except ImportError:
            driver = await deliver_paced(store, sender, args.rate)
        elapsed = time.monotonic() - started
        await sender.close()
    received = Counter(m["to"] for m in graph.messages)
    throttled = sum(1 for _, code in graph.refused if code == 130429)
    states = {
        r[0]: r[1]
        for r in await store.db.fetchall(
            "SELECT state, count(*) FROM outbox GROUP BY state ORDER BY state"
        )
    }
    await store.close()
    times = graph.accepted_at
    span = (times[-1] - times[0]) if len(times) > 1 else elapsed
    per_second = (len(times) - 1) / span if span > 0 else 0.0
    figures = {
        "driver": driver,
        "participants": args.participants,
        "limit_per_s": args.limit,
        "configured_rate_per_s": args.rate,
        "accepted": len(graph.messages),
        "seconds": round(span, 2),
        "messages_per_s": round(per_second, 1),
        "ratio_to_limit": round(per_second / args.limit, 3),
        "errors_130429": throttled,
        "rows": states,
        "duplicates": sum(c - 1 for c in received.values() if c > 1),
        "losses": args.participants - len(received),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--limit", type=float, default=80.0, help="the fake API's messages/s")
    parser.add_argument("--rate", type=float, default=80.0, help="WHATSAPP_RATE (messages/s)")
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(parser.parse_args()))
