"""Benchmark: screenshots read end to end, as the bot reads them.

Usage: taskset -c 0 .venv/bin/python bench/screenshots.py [--count 200] [--start 0]

Renders the synthetic screenshots of tests/screenshots.py (phone-sized dashboards in several
fonts, sizes, JPEG qualities, blur, small rotations, dark mode, and photos of a screen), reads
each through the bot's own reader (bot/vision: a worker process per picture, Tesseract, the
redaction) and the screen reading (bot/nlu/screen.py), and prints: status labels read right
(each row's status on the right row; overall, in photos of a screen and in dark mode),
screenshots read wholly right, time per picture (wall clock, from the bytes to the redacted
text, worker start included), the worker's peak RSS, and how many NIK, card or phone numbers
got through the redaction (must be 0). `taskset -c 0` keeps it on one core.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.nlu.screen import read_screen
from bot.vision import Reader
from tests.screenshots import Screen, corpus, fonts, render


def _found(text: str) -> list[tuple[str, int, str]]:
    screen = read_screen(text)
    found = [
        ("Survei" if row.survey else "Pelatihan", row.number, row.entry.meaning)
        for row in screen.rows
        if row.entry is not None
    ]
    selection = ("not_selected", "no_wave", "selection_processing")
    return found + [("Seleksi", 0, e.meaning) for e, _ in screen.others if e.meaning in selection]


def _leaks(screen: Screen, text: str) -> int:
    digits = "".join(c for c in text if c.isdigit())
    secrets = [s for s in (screen.nik, screen.card_number, screen.phone) if s]
    return sum(1 for s in secrets if s[-8:] in digits)


async def run(count: int, start: int) -> None:
    reader = Reader()
    screens = corpus(count, start)
    right = total = whole = 0
    parts = {"photo": [0, 0], "dark": [0, 0]}
    times: list[float] = []
    leaks = 0
    for screen in screens:
        data = render(screen)
        began = time.perf_counter()
        picture = await reader.read(data)
        times.append(time.perf_counter() - began)
        found = _found(picture.text)
        hits = sum(1 for expected in screen.expected if expected in found)
        right += hits
        total += len(screen.expected)
        whole += hits == len(screen.expected) and len(found) == len(screen.expected)
        for name, flag in (("photo", screen.photo), ("dark", screen.dark)):
            if flag:
                parts[name][0] += hits
                parts[name][1] += len(screen.expected)
        leaks += _leaks(screen, picture.text)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"{len(screens)} screenshots ({sum(s.photo for s in screens)} photos of a screen, "
        f"{sum(s.dark for s in screens)} dark mode), fonts: {len(fonts())}"
    )
    print(f"status labels read right: {right}/{total} = {100 * right / total:.1f} %")
    for name, (hit, of) in parts.items():
        print(f"  {name}: {hit}/{of} = {100 * hit / max(of, 1):.1f} %")
    print(f"screenshots read wholly right: {whole}/{len(screens)}")
    print(
        f"time per picture: median {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
        f"max {times[-1]:.2f} s"
    )
    print(f"worker peak RSS: {reader.peak_rss_kib / 1024:.0f} MiB")
    print(f"NIK, card or phone numbers let through: {leaks}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(run(args.count, args.start))


if __name__ == "__main__":
    main()
