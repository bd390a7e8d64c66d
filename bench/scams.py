"""How well the scam check tells scams from official messages (tests/data/scams_corpus.tsv).

Prints the scams flagged (target >= 95 %) and the official messages flagged (target <= 2 %),
then each miss. Run: `.venv/bin/python bench/scams.py`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.core.program import load_program
from bot.nlu.scams import check

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "scams_corpus.tsv"


def load() -> list[tuple[str, bool, str]]:
    """(label, forwarded, text) of every corpus line."""
    found = []
    for raw in CORPUS.read_text("utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            label, forwarded, text = raw.split("\t")
            found.append((label, forwarded == "1", text.replace("\\n", "\n")))
    return found


def main() -> int:
    program = load_program()
    lines = load()
    misses: list[str] = []
    counts = {"scam": [0, 0], "official": [0, 0]}  # [flagged, total]
    named = 0
    started = time.perf_counter()
    for label, forwarded, text in lines:
        verdict = check(text, program, forwarded=forwarded)
        flagged = verdict is not None and verdict.flagged
        counts[label][0] += flagged
        counts[label][1] += 1
        named += label == "official" and verdict is not None and bool(verdict.official)
        if flagged != (label == "scam"):
            misses.append(f"  {label:8} {'flagged' if flagged else 'passed '}  {text[:90]!r}")
    elapsed = time.perf_counter() - started
    scams, official = counts["scam"], counts["official"]
    print(f"messages: {len(lines)} ({scams[1]} scams, {official[1]} official)")
    print(f"scams flagged:    {scams[0]}/{scams[1]} = {100 * scams[0] / scams[1]:.1f} %")
    print(
        f"official flagged: {official[0]}/{official[1]} = {100 * official[0] / official[1]:.1f} %"
    )
    print(f"official named as such: {named}/{official[1]}")
    print(f"time: {1000 * elapsed / len(lines):.2f} ms per message")
    if misses:
        print("misses:")
        print("\n".join(misses))
    ok = scams[0] / scams[1] >= 0.95 and official[0] / official[1] <= 0.02
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
