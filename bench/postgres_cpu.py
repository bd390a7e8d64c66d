"""CPU time of the PostgreSQL server processes on this machine (for bench/scaleout.py)."""

from __future__ import annotations

from pathlib import Path

from telegram_inbound import cpu_seconds


def postgres_cpu() -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL server process on this machine."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                found[int(entry.name)] = cpu_seconds(int(entry.name))
        except OSError:
            continue
    return found


def postgres_cpu_since(before: dict[int, float]) -> float:
    """CPU seconds PostgreSQL used since `before` (processes that ended meanwhile are missed)."""
    now = postgres_cpu()
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())
