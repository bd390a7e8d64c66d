"""Resolves git conflict blocks in text files by keeping both sides (ours, then theirs).

For files where both branches only added lines (README sections, dependency lists).
Usage: python tools/union_conflicts.py FILE [FILE ...]
"""

from __future__ import annotations

import sys
from pathlib import Path


def union(path: Path) -> int:
    out: list[str] = []
    blocks = 0
    for line in path.read_text("utf-8").splitlines(keepends=True):
        if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line.rstrip() == "=======":
            blocks += line.startswith("<<<<<<< ")
            continue
        out.append(line)
    path.write_text("".join(out), "utf-8")
    return blocks


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {union(Path(name))} blocks kept from both sides")
