"""An operator import while participants chat: `prakerja-bot import-status` of 20,000 rows
(its own process) while 200 participants chat with the real `prakerja-bot run` (another
process) through a loopback fake Bot API, both on one SQLite file.

    .venv/bin/python bench/import_chat.py                       # 20,000 rows, 200 chatting
    .venv/bin/python bench/import_chat.py --no-import           # the control run
    .venv/bin/python bench/import_chat.py --rows 5000 --chatters 50

Prints replies lost (no answer within 60 s), chatters whose state change was not saved, the
reply latency p50/p99/max, and how long the import took.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.import_chat_support import import_while_chatting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--chatters", type=int, default=200)
    parser.add_argument("--no-import", action="store_true", help="the control run")
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="TELEGRAM_RATE for the bot (default Telegram's 30/s: 200 people chatting at once"
        " then wait their turn; 1000 isolates what the database costs)",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="import-chat-"))
    result = asyncio.run(
        import_while_chatting(
            workdir,
            rows=args.rows,
            chatters=args.chatters,
            with_import=not args.no_import,
            rate=args.rate,
        )
    )
    label = "control run (no import): " if args.no_import else ""
    rate = f"TELEGRAM_RATE={args.rate:.0f}: " if args.rate else "TELEGRAM_RATE=30: "
    print(rate + label + result.summary())


if __name__ == "__main__":
    main()
