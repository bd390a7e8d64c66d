"""Times `import-status` on a long file: N participants, one row per incentive item each,
then the same file again (which must change and send nothing). Prints figures, asserts nothing
about speed.

Usage: .venv/bin/python bench/import_status.py [PARTICIPANTS]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.core.clock import FakeClock
from bot.core.domain import Participant, Step
from bot.core.program import load_program
from bot.incentives.csv_import import import_rows, read_rows
from bot.storage.sqlite import SqliteStore

START = datetime(2021, 12, 1, 3, 0, tzinfo=UTC)


async def main(count: int) -> None:
    program = load_program()
    with tempfile.TemporaryDirectory() as folder:
        store = await SqliteStore.open(str(Path(folder) / "bench.db"))
        for n in range(count):
            await store.save_participant(
                Participant(
                    channel="bench",
                    user_id=str(n),
                    chat_id=str(n),
                    locale="id",
                    timezone="Asia/Jakarta",
                    ref_code=f"PK-{n:06d}",
                    created_at=START,
                    step=Step.MENU,
                    scheme="2021",
                    phone=f"+62812{n:08d}",
                )
            )
        csv = Path(folder) / "status.csv"
        lines = ["phone,item,status,date,partner"]
        for n in range(count):
            for month in range(1, 5):
                lines.append(f"0812{n:08d},incentive.{month},paid,2021-12-{month + 10},OVO")
        csv.write_text("\n".join(lines) + "\n", "utf-8")
        rows = read_rows(csv)
        for label in ("first import", "re-import"):
            began = time.perf_counter()
            summary = await import_rows(store, program, FakeClock(START), rows)
            took = time.perf_counter() - began
            print(
                f"{label}: {len(rows)} rows in {took:.2f} s ({len(rows) / took:.0f} rows/s); "
                f"applied {summary.applied}, unchanged {summary.unchanged}, bad {summary.bad}"
            )
        row = await store.db.fetchone("SELECT count(*) FROM outbox")
        print(f"outbox rows: {row[0] if row else 0}")
        await store.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2500))
