"""An operator import (`prakerja-bot import-status`, its own process) while participants chat
with the real `prakerja-bot run` (another process) through a loopback fake Bot API: both write
one SQLite file. Used by tests/incentives/test_import_while_chatting.py and
bench/import_chat.py."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import bulk
from bot.core.clock import SystemClock
from bot.storage.sqlite import SqliteStore
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.telegram_updates import text_json
from tests.helpers import free_port

BOT = Path(sys.executable).with_name("prakerja-bot")
SCRIPT = ("/start", "22", "WIB", "/status", "/menu")  # each gets at least one message back
FIRST_CHATTER = 900_000


@dataclass
class Result:
    """What the participants saw, and what the import did."""

    sent: int = 0
    lost: int = 0
    latencies: list[float] = field(default_factory=list)
    onboarded: int = 0  # chatters whose state change was saved (deadline stored)
    chatters: int = 0
    import_seconds: float = 0.0
    import_output: str = ""

    def p(self, share: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> str:
        median = statistics.median(self.latencies) if self.latencies else 0.0
        return (
            f"{self.chatters} participants sent {self.sent} messages; replies lost: {self.lost};"
            f" state saved for {self.onboarded}/{self.chatters}; reply latency p50"
            f" {median * 1000:.0f} ms, p99 {self.p(0.99) * 1000:.0f} ms, max"
            f" {max(self.latencies, default=0) * 1000:.0f} ms; import took"
            f" {self.import_seconds:.1f}s ({self.import_output.strip().splitlines()[-1:]})"
        )


def _env(path: Path, base_url: str, rate: float | None = None) -> dict[str, str]:
    extra = {"TELEGRAM_RATE": str(rate)} if rate else {}
    return {
        **extra,
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "WEB_LISTEN": f"127.0.0.1:{free_port()}",
        "LOG_LEVEL": "ERROR",
    }


async def _prepare(path: Path, rows: int) -> Path:
    store = await SqliteStore.open(str(path))
    await store.close()
    bulk.seed(str(path), rows, now=SystemClock().now(), due_rows=0)
    csv = path.with_suffix(".csv")
    with csv.open("w", encoding="utf-8") as out:
        out.write("ref,item,status,date\n")
        for i in range(1, rows + 1):
            out.write(f"PK-B{i:09d},incentive.1,diproses,2021-12-12\n")
    return csv


async def _chat(api: FakeBotApi, user: int, result: Result, wait_seconds: float) -> None:
    chat = str(user)
    for text in SCRIPT:
        before = api.state.sent[chat]
        started = time.perf_counter()
        api.state.updates.append(text_json(text, user_id=user))
        result.sent += 1
        try:
            await api.state.wait_sent(user, before + 1, seconds=wait_seconds)
        except TimeoutError:
            result.lost += 1
            continue
        result.latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.3)  # let the rest of a several-message reply arrive


async def import_while_chatting(
    workdir: Path,
    *,
    rows: int,
    chatters: int,
    with_import: bool = True,
    wait_seconds: float = 60.0,
    rate: float | None = None,
) -> Result:
    """Runs the import and the chatting at once; returns what the participants saw."""
    path = workdir / "bot.db"
    csv = await _prepare(path, rows)
    result = Result(chatters=chatters)
    async with FakeBotApi() as api:
        bot = await asyncio.create_subprocess_exec(
            str(BOT),
            "run",
            env=_env(path, api.base_url, rate),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await api.state.wait_called("getUpdates", seconds=30)
            started = time.perf_counter()
            importer = (
                await asyncio.create_subprocess_exec(
                    str(BOT),
                    "import-status",
                    str(csv),
                    env=_env(path, api.base_url),
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.STDOUT,
                )
                if with_import
                else None
            )
            await asyncio.sleep(0.5 if with_import else 0)  # the import is under way
            await asyncio.gather(
                *(_chat(api, FIRST_CHATTER + n, result, wait_seconds) for n in range(chatters))
            )
            if importer is not None:
                out, _ = await importer.communicate()
                result.import_output = out.decode(errors="replace")
                result.import_seconds = time.perf_counter() - started
        finally:
            bot.terminate()
            await bot.wait()
    db = sqlite3.connect(path)
    try:
        result.onboarded = int(
            db.execute(
                "SELECT COUNT(*) FROM participants WHERE CAST(user_id AS INTEGER) >= ?"
                " AND deadline_utc IS NOT NULL",
                (FIRST_CHATTER,),
            ).fetchone()[0]
        )
    finally:
        db.close()
    return result
