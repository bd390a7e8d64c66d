"""The worker process: `python -m bot.vision.child LIMITS_JSON`, the picture on stdin.

Caps its own address space (RLIMIT_AS), CPU time and priority before it imports anything
heavy, reads one picture (bot/vision/ocr.py), and writes one JSON line: the redacted text, the
problem or None, whether a card number was visible, and its peak RSS. It logs only the kind of
a failure, never the text.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys

from bot.core.domain import Picture, PictureProblem
from bot.vision.limits import Limits

_NICE = 10


def confine(limits: Limits) -> None:
    """The memory cap, a CPU-time cap and a lower priority, for this process."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    seconds = int(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    with contextlib.suppress(OSError):
        os.nice(_NICE)


def answer(limits: Limits, data: bytes) -> Picture:
    """One picture read; any failure becomes a problem, never an exception."""
    try:
        from bot.vision.ocr import look

        return look(data, limits)
    except MemoryError:
        return Picture(problem=PictureProblem.TOO_BIG)
    except Exception as exc:
        print(f"picture reader failed: {type(exc).__name__}", file=sys.stderr)
        return Picture(problem=PictureProblem.FAILED)


def main() -> None:
    limits = Limits(**json.loads(sys.argv[1]))
    confine(limits)
    data = sys.stdin.buffer.read(limits.max_bytes + 1)
    picture = answer(limits, data)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    problem = picture.problem.value if picture.problem is not None else None
    said = {"text": picture.text, "problem": problem, "card": picture.card_number, "peak": peak}
    sys.stdout.write(json.dumps(said))


if __name__ == "__main__":
    main()
