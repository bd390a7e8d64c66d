"""The fake Bot API (tests/fakes/bot_api.py) as a child process for bench/fanout.py.

Prints its base URL, serves on 127.0.0.1 until its stdin closes, then prints one JSON line:
messages accepted per chat, 429s answered, and the seconds from the first to the last call.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.bot_api import FakeBotApi


async def serve(limit: float) -> None:
    # The fake keeps every call it answered; a growing heap makes the collector's full passes
    # ever longer, which would slow the fake (not the bot) as a run goes on.
    gc.disable()
    async with FakeBotApi(max_per_second=limit) as api:
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
        }
        print(json.dumps(summary), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, required=True)
    asyncio.run(serve(parser.parse_args().limit))


if __name__ == "__main__":
    main()
