"""Telegram inbound benchmark: simulated participants chatting through the webhook path.

The bot runs as `python -m bot run` in its own process, in webhook mode, with its Bot API
pointed (TELEGRAM_BASE_URL) at the loopback fake Bot API from tests/fakes/bot_api.py. This
process plays Telegram: it POSTs updates to the bot's webhook (with at most as many calls at
once as the bot's setWebhook `max_connections`, as Telegram does) and receives the bot's
sendMessage calls, and the sendMessage the bot may put in its answer to a webhook call
(counted when that answer arrives). An update counts as handled when the last of its replies
has arrived.

    .venv/bin/python bench/telegram_inbound.py --participants 1000 --duration 20

Phase 1 (warm-up, not measured): every participant onboards (/start, 22, WIB button).
Phase 2 (saturation): every participant sends its next message as soon as the previous one is
answered; prints updates/s. Phase 3 (fixed load): updates offered at --rate per second, spread
over idle participants; prints p50/p99 latency (webhook POST sent -> last sendMessage received).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bot.conversation.engine import Engine  # noqa: E402
from bot.core.clock import SystemClock  # noqa: E402
from bot.core.domain import Incoming, InputKind  # noqa: E402
from bot.core.program import load_program  # noqa: E402
from bot.storage.sqlite import SqliteStore  # noqa: E402
from handlers.router import route  # noqa: E402
from tests.fakes.bot_api import TOKEN, FakeBotApi  # noqa: E402
from tests.fakes.telegram_updates import callback_json, text_json  # noqa: E402

SECRET = "bench-secret"
ONBOARDING = [("text", "/start"), ("text", "22"), ("press", "tz:WIB")]
CYCLE = [
    ("text", "/menu"),
    ("press", "menu:status"),
    ("press", "menu:platforms"),
    ("text", "/status"),
    ("press", "menu:show"),
    ("press", "menu:dashboard"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def reply_counts() -> tuple[list[int], list[int]]:
    """How many messages each step is answered with, from the engine itself."""
    with tempfile.TemporaryDirectory() as folder:
        store = await SqliteStore.open(str(Path(folder) / "calibrate.db"))
        engine = Engine(store, load_program(), SystemClock(), route)
        clock = SystemClock()

        async def step(kind: str, value: str) -> int:
            if kind == "text":
                msg = Incoming("telegram", "1", "1", clock.now(), text=value)
            else:
                msg = Incoming("telegram", "1", "1", clock.now(), InputKind.CHOICE, choice=value)
            return len(await engine.handle(msg))

        onboarding = [await step(k, v) for k, v in ONBOARDING]
        cycle = [await step(k, v) for k, v in CYCLE]
        again = [await step(k, v) for k, v in CYCLE]
        await store.close()
    assert cycle == again, "the benchmark cycle must be answered the same way every time"
    return onboarding, cycle


class Participant:
    """One simulated Telegram user."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.position = 0  # in CYCLE
        self.expected = 0  # messages this chat should have received once idle
        self.busy = False


class Load:
    """Plays Telegram: POSTs updates to the bot's webhook and waits for the replies."""

    def __init__(self, api: FakeBotApi, url: str, counts: tuple[list[int], list[int]]) -> None:
        self.api = api
        self.url = url
        self.onboarding_counts, self.cycle_counts = counts
        # As many webhook calls at once as Telegram would make: setWebhook's max_connections.
        (hook,) = api.state.of("setWebhook")
        self.connections = int(hook.get("max_connections", 40))
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self.connections),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        self.latencies: list[float] = []
        self.errors = 0
        self.lost = 0  # updates whose replies did not all arrive within 30 s

    async def post(self, update: dict[str, Any]) -> None:
        async with self.session.post(self.url, json=update) as response:
            if response.status != 200:
                self.errors += 1
            else:  # a reply the bot put in its answer counts as sent once the answer is here
                self.api.state.webhook_answered(response.content_type, await response.read())

    async def step(self, p: Participant, kind: str, value: str, replies: int) -> float:
        """Sends one update and waits until all of its replies arrived; returns the latency."""
        update = text_json(value, p.user_id) if kind == "text" else callback_json(value, p.user_id)
        p.expected += replies
        started = time.perf_counter()
        await self.post(update)
        try:
            await self.api.state.wait_sent(p.user_id, p.expected, 30.0)
        except TimeoutError:
            self.lost += 1
            p.expected = self.api.state.sent[str(p.user_id)]
        return time.perf_counter() - started

    async def onboard(self, p: Participant) -> None:
        for (kind, value), replies in zip(ONBOARDING, self.onboarding_counts, strict=True):
            await self.step(p, kind, value, replies)

    async def next(self, p: Participant) -> float:
        kind, value = CYCLE[p.position % len(CYCLE)]
        replies = self.cycle_counts[p.position % len(CYCLE)]
        p.position += 1
        p.busy = True
        try:
            return await self.step(p, kind, value, replies)
        finally:
            p.busy = False


async def saturate(load: Load, people: list[Participant], duration: float) -> tuple[int, float]:
    done = 0
    deadline = time.perf_counter() + duration

    async def loop(p: Participant) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            await load.next(p)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(p) for p in people))
    return done, time.perf_counter() - started


async def fixed_rate(
    load: Load, people: list[Participant], rate: float, duration: float
) -> tuple[list[float], int]:
    latencies: list[float] = []
    skipped = 0
    tasks: set[asyncio.Task[None]] = set()

    async def one(p: Participant) -> None:
        latencies.append(await load.next(p))

    started = time.perf_counter()
    sent = 0
    index = 0
    while (now := time.perf_counter()) - started < duration:
        due = int((now - started) * rate) + 1
        while sent < due:
            sent += 1
            for _ in range(len(people)):
                p = people[index % len(people)]
                index += 1
                if not p.busy:
                    p.busy = True
                    task = asyncio.create_task(one(p))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    break
            else:
                skipped += 1
        await asyncio.sleep(0.001)
    await asyncio.gather(*tasks)
    return latencies, skipped


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else 0.0


async def profiler(pid: int, out: str | None, duration: float) -> Any:
    """py-spy attached to the bot for the saturation phase only: samples holding the GIL (the
    bot's own Python CPU, not its idle waits), subprocesses excluded."""
    if not out:
        return None
    spy = str(Path(sys.executable).parent / "py-spy")
    raw = ["-f", "raw"] if out.endswith(".txt") else []
    options = [*raw, "--gil", "--nonblocking", "-d", str(int(duration)), "-o", out]
    return await asyncio.create_subprocess_exec(spy, "record", "--pid", str(pid), *options)


async def main(args: argparse.Namespace) -> None:
    counts = await reply_counts()
    web_port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        async with FakeBotApi() as api:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_BASE_URL": api.base_url,
                "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{web_port}/telegram",
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "WEB_LISTEN": f"127.0.0.1:{web_port}",
                "LOG_LEVEL": "WARNING",
                # The bot's CPU, not Telegram's limits: replies now wait their turn under the
                # channel's pace (30/s overall, 1/s per chat after a burst), so lift it here.
                "TELEGRAM_RATE": os.environ.get("TELEGRAM_RATE", "10000"),
                "TELEGRAM_CHAT_RATE": os.environ.get("TELEGRAM_CHAT_RATE", "100"),
            }
            command = [sys.executable, "-m", "bot", "run"]
            bot = await asyncio.create_subprocess_exec(*command, env=env, cwd=folder)
            try:
                await api.state.wait_called("setWebhook", 30.0)
                load = Load(api, f"http://127.0.0.1:{web_port}/telegram", counts)
                people = [Participant(100_000 + n) for n in range(args.participants)]
                started = time.perf_counter()
                await asyncio.gather(*(load.onboard(p) for p in people))
                print(
                    f"warm-up: {len(people)} participants onboarded "
                    f"({len(people) * len(ONBOARDING)} updates) in "
                    f"{time.perf_counter() - started:.1f} s"
                )
                # This process keeps every Bot API call it received (a growing heap): its own
                # garbage collections would pause it for tens of milliseconds and count as the
                # bot's latency. Objects made so far are frozen, and cyclic collection is off
                # while measuring (the bot's process is untouched).
                gc.freeze()
                gc.disable()
                spy = await profiler(bot.pid, args.profile, args.duration)
                bot_cpu, own_cpu = cpu_seconds(bot.pid), time.process_time()
                done, took = await saturate(load, people, args.duration)
                bot_cpu = cpu_seconds(bot.pid) - bot_cpu
                if spy is not None:
                    await spy.wait()
                own_cpu = time.process_time() - own_cpu
                print(f"saturation: {done} updates in {took:.1f} s = {done / took:,.0f} updates/s")
                print(
                    f"  CPU per update: bot {bot_cpu / done * 1000:.2f} ms "
                    f"(= {done / bot_cpu:,.0f} updates/s per busy core), load generator + fake "
                    f"Bot API {own_cpu / done * 1000:.2f} ms; bot used {bot_cpu / took:.0%} of a "
                    f"core, this process {own_cpu / took:.0%}"
                )
                latencies, skipped = await fixed_rate(load, people, args.rate, args.duration)
                achieved = len(latencies) / args.duration
                print(
                    f"fixed load {args.rate:.0f}/s offered ({achieved:.0f}/s sent, {skipped} "
                    f"skipped): p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
                    f"p90 {percentile(latencies, 0.9) * 1000:.1f} ms, "
                    f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
                    f"max {max(latencies) * 1000:.1f} ms"
                )
                print(
                    f"sendMessage calls: {sum(api.state.sent.values())}, 429s: "
                    f"{api.state.throttled}, webhook errors: {load.errors}, updates with replies "
                    f"missing: {load.lost}, "
                    f"unexpected methods: {sorted(set(api.state.unexpected))}"
                )
                gc.enable()
                await load.session.close()
            finally:
                bot.send_signal(signal.SIGINT)
                await asyncio.wait_for(bot.wait(), 60)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--rate", type=float, default=300.0, help="updates/s in phase 3")
    parser.add_argument(
        "--profile",
        help="record the bot with py-spy during the saturation phase (.svg; .txt: raw stacks)",
    )
    asyncio.run(main(parser.parse_args()))
