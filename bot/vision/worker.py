"""The reader: each picture in its own short-lived worker process, one or two at a time.

The worker is a fresh interpreter (`python -m bot.vision.child`, bot/vision/child.py), never a
fork of the bot: the bot's event loop, threads, connections and memory stay out of it. It caps
its own address space (RLIMIT_AS, which the OCR engine's allocations count against) and CPU
time and lowers its priority, so a flood of photos leaves the bot's core to the text replies.
The picture goes in on its stdin, the redacted text comes back on its stdout; the bot waits
without blocking its loop, and after the time limit the worker is killed. A worker that dies
(out of memory, killed by anyone) is a failed read: the participant is asked to type what they
see, and the next picture gets a new worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import sys
from pathlib import Path

from bot.core.domain import Picture, PictureProblem
from bot.vision.limits import Limits

log = logging.getLogger(__name__)

_ROOT = str(Path(__file__).resolve().parents[2])  # where the `bot` package is


def _environment() -> dict[str, str]:
    paths = [_ROOT, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "OMP_THREAD_LIMIT": "1"}


def _picture(raw: bytes) -> Picture:
    """The worker's JSON answer as a Picture (a garbled one is a failed read)."""
    try:
        said = json.loads(raw)
        problem = PictureProblem(said["problem"]) if said["problem"] else None
        return Picture(str(said["text"]), problem, bool(said["card"]))
    except (ValueError, KeyError, TypeError):
        return Picture(problem=PictureProblem.FAILED)


class Reader:
    """Reads pictures in worker processes: `await reader.read(data)` → `Picture`."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._slots: asyncio.Semaphore | None = None
        self._waiting = 0
        self.running: dict[int, asyncio.subprocess.Process] = {}  # the workers reading now
        self.peak_rss_kib = 0  # the largest worker's peak resident size so far
        self.reads = 0

    async def read(self, data: bytes) -> Picture:
        """The picture's redacted text, or why it was not read (never raises)."""
        if len(data) > self.limits.max_bytes:
            return Picture(problem=PictureProblem.TOO_BIG)
        if self._waiting >= self.limits.queue + self.limits.workers:
            log.warning("picture reader busy: %d waiting", self._waiting)
            return Picture(problem=PictureProblem.BUSY)
        if self._slots is None:
            self._slots = asyncio.Semaphore(max(1, self.limits.workers))
        self._waiting += 1
        try:
            async with self._slots:
                return await self._run(data)
        finally:
            self._waiting -= 1

    async def _run(self, data: bytes) -> Picture:
        limits = json.dumps(dataclasses.asdict(self.limits))
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.vision.child",
                limits,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=_environment(),
            )
        except OSError as exc:
            log.warning("picture reader could not start: %s", type(exc).__name__)
            return Picture(problem=PictureProblem.FAILED)
        self.running[process.pid] = process
        try:
            out, _ = await asyncio.wait_for(process.communicate(data), self.limits.seconds)
        except TimeoutError:
            log.warning("picture reader %s ran out of time; killed", process.pid)
            return Picture(problem=PictureProblem.FAILED)
        except (BrokenPipeError, ConnectionResetError):
            log.warning("picture reader %s died before reading the picture", process.pid)
            return Picture(problem=PictureProblem.FAILED)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            self.running.pop(process.pid, None)
        if process.returncode != 0:
            log.warning("picture reader %s died (exit %s)", process.pid, process.returncode)
            return Picture(problem=PictureProblem.FAILED)
        with contextlib.suppress(ValueError, KeyError, TypeError):
            self.peak_rss_kib = max(self.peak_rss_kib, int(json.loads(out)["peak"]))
        self.reads += 1
        return _picture(out)
