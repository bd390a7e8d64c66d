"""The engine's CPU per free-text message (understanding, knowledge retrieval, memory, the
participant's transaction), without the channel: N onboarded participants on SQLite send
questions in turn; six rounds of 1,000, printed as min and median (the machine is shared:
the minimum is the steadier figure). `--profile` prints cProfile's top entries by own time.

    .venv/bin/python bench/understanding.py [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.conversation.engine import Engine
from bot.core.clock import SystemClock
from bot.core.domain import Incoming, InputKind
from bot.core.program import load_program
from bot.storage.sqlite import SqliteStore
from handlers.router import route

QUESTIONS = (
    "kapan batas waktu beli pelatihan?",
    "insentif saya belum cair",
    "cara daftar prakerja gimana",
    "saldo pelatihan berapa",
    "halo",
    "terima kasih kak",
    "lupa kata sandi akun",
    "/menu",
)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = await SqliteStore.open(str(Path(folder) / "bench.db"))
        clock = SystemClock()
        engine = Engine(store, load_program(), clock, route)
        users = [str(n) for n in range(args.participants)]
        for user in users:
            await engine.handle(Incoming("telegram", user, user, clock.now(), text="/start"))
            await engine.handle(Incoming("telegram", user, user, clock.now(), text="22"))
            tz = Incoming("telegram", user, user, clock.now(), InputKind.CHOICE, choice="tz:WIB")
            await engine.handle(tz)

        async def rounds(count: int) -> None:
            for n in range(count):
                user, text = users[n % len(users)], QUESTIONS[n % len(QUESTIONS)]
                await engine.handle(Incoming("telegram", user, user, clock.now(), text=text))

        await rounds(200)  # warm-up
        per_message = []
        for _ in range(6):
            started = time.process_time()
            await rounds(1000)
            per_message.append((time.process_time() - started) / 1000 * 1000)
        print(
            f"engine CPU per free-text message: min {min(per_message):.3f} ms, "
            f"median {statistics.median(per_message):.3f} ms"
        )
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            await rounds(2000)
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    asyncio.run(main(parser.parse_args()))
