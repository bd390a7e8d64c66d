"""The fake Bot API (tests/fakes/bot_api.py) as a child process for bench/fanout.py and
bench/fanout_kills.py, and `TimedBotApi`, which also notes when each `sendMessage` arrived and
when it was answered (so a benchmark or a test can count the requests in flight at a kill).

Prints its base URL, serves on 127.0.0.1 until its stdin closes, then prints one JSON line:
messages accepted per chat, 429s answered, the seconds from the first to the last call, and
every `sendMessage` as [chat, arrived, answered, accepted] (`time.monotonic()`, which on Linux
is one clock for every process of the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web

from tests.fakes.bot_api import FakeBotApi

# An arrival up to this long after a kill still comes from the killed process (a busy fake may
# read its last requests a little late; a restarted bot takes longer than this to start up:
# 5 s to its first request at load average 10).
KILL_SLACK = 1.0


@dataclass
class Send:
    """One `sendMessage` as the fake saw it."""

    chat: str
    arrived: float
    answered: float | None  # None: never answered (the connection went away first)
    accepted: bool  # counted as delivered (not a 429 or an error)


class TimedBotApi(FakeBotApi):
    """The loopback fake, answering each `sendMessage` `latency` seconds after taking it (the
    message counts as delivered on arrival, as with Telegram), noting both moments."""

    def __init__(self, latency: float = 0.0, **options: Any) -> None:
        super().__init__(**options)
        self.latency = latency
        self.sends: list[Send] = []

    async def __aenter__(self) -> TimedBotApi:
        await self.start()
        return self

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        response = await super()._handle(request)
        if request.match_info["method"] != "sendMessage" or not self.state.calls:
            return response
        # The answer was computed without an await after the call was recorded: it is ours.
        call = self.state.calls[-1]
        send = Send(str(call.params.get("chat_id")), arrived, None, response.status == 200)
        self.sends.append(send)
        if self.latency:
            await asyncio.sleep(self.latency)
        send.answered = time.monotonic()
        return response


@dataclass
class Kill:
    """What one kill cost: the copies sent again of messages first sent before it, and the
    requests in flight at it (arrived, not yet answered)."""

    at: float
    duplicates: int = 0
    in_flight: int = 0
    # how long before the kill the earliest-answered of the repeated requests was answered:
    # the bot had its answer and had not committed the outcome for at least that long
    answered_before: float = 0.0


def per_kill(sends: list[Send], kills: list[float]) -> tuple[list[Kill], int]:
    """Each kill's duplicates and requests in flight; also the duplicates of a message whose
    first copy no kill followed (0 unless something other than a kill duplicates)."""
    found = [Kill(at) for at in sorted(kills)]
    for kill in found:
        kill.in_flight = sum(
            1
            for s in sends
            if s.accepted
            and s.arrived <= kill.at + KILL_SLACK
            and (s.answered is None or s.answered > kill.at)
        )
    copies: dict[str, list[Send]] = defaultdict(list)
    for s in sends:
        if s.accepted:
            copies[s.chat].append(s)
    stray = 0
    for chat_sends in copies.values():
        chat_sends.sort(key=lambda s: s.arrived)
        for first, again in pairwise(chat_sends):
            after = [
                k for k in found if k.at + KILL_SLACK >= first.arrived and k.at < again.arrived
            ]
            if after:
                after[0].duplicates += 1
                if first.answered is not None and first.answered < after[0].at:
                    age = after[0].at - first.answered
                    after[0].answered_before = max(after[0].answered_before, age)
            else:
                stray += 1
    return found, stray


def sends_from(rows: list[list[Any]]) -> list[Send]:
    """The `sends` of the summary line back as `Send`s."""
    return [
        Send(str(c), float(a), None if b is None else float(b), bool(ok)) for c, a, b, ok in rows
    ]


async def serve(limit: float, latency: float) -> None:
    # The fake keeps every call it answered; a growing heap makes the collector's full passes
    # ever longer, which would slow the fake (not the bot) as a run goes on.
    gc.disable()
    async with TimedBotApi(latency, max_per_second=limit) as api:
        print(api.base_url, flush=True)
        await asyncio.to_thread(sys.stdin.read)  # until the benchmark closes our stdin
        state = api.state
        sends = [c.at for c in state.calls if c.method == "sendMessage"]
        timeline: dict[int, int] = {}
        for at in sends:
            bucket = int((at - sends[0]) // 10)
            timeline[bucket] = timeline.get(bucket, 0) + 1
        summary = {
            "timeline": [timeline.get(b, 0) / 10 for b in range(max(timeline, default=-1) + 1)],
            "accepted": sum(state.sent.values()),
            "throttled": state.throttled,
            "seconds": (sends[-1] - sends[0]) if len(sends) > 1 else 0.0,
            "received": dict(state.sent),
            # the texts of chats that got more than one message (are duplicates identical?)
            "texts": {c: t for c, t in state.accepted.items() if len(t) > 1},
            "sends": [[s.chat, s.arrived, s.answered, s.accepted] for s in api.sends],
        }
        print(json.dumps(summary), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, required=True)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before answering")
    args = parser.parse_args()
    asyncio.run(serve(args.limit, args.latency))


if __name__ == "__main__":
    main()
