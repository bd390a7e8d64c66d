"""The reader: each picture in its own short-lived worker process, one or two at a time.

A worker is forked from a small server process (multiprocessing's "forkserver", which has the
OCR modules loaded already), never from the bot itself: the bot's event loop, threads and
connections stay out of it. In the worker the address space is capped (RLIMIT_AS, which the
OCR engine's allocations count against), CPU time is capped and the priority lowered, so a
flood of photos leaves the bot's own core to the text replies. The bot waits for the answer
without blocking its loop; after the time limit the worker is killed. A worker that dies (out
of memory, killed by anyone) is a failed read: the participant is asked to type what they see,
and the next picture gets a new worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import resource
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any

from bot.core.domain import Picture, PictureProblem
from bot.vision.limits import Limits

log = logging.getLogger(__name__)

_NICE = 10


def _confine(limits: Limits) -> None:
    """In the worker: the memory cap, a CPU-time cap and a lower priority."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    seconds = int(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    with contextlib.suppress(OSError):
        os.nice(_NICE)


def work(answer: Connection, data: bytes, limits: Limits) -> None:
    """The worker's whole life: read one picture, send back (Picture, peak RSS in KiB)."""
    from bot.vision.ocr import look

    picture: Picture
    try:
        _confine(limits)
        picture = look(data, limits)
    except MemoryError:
        picture = Picture(problem=PictureProblem.TOO_BIG)
    except Exception as exc:  # never the text or the image in a log: the kind only
        log.warning("picture reader failed: %s", type(exc).__name__)
        picture = Picture(problem=PictureProblem.FAILED)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    answer.send((picture, peak))
    answer.close()


class Reader:
    """Reads pictures in worker processes: `await reader.read(data)` → `Picture`."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._context: BaseContext = multiprocessing.get_context("forkserver")
        self._slots: asyncio.Semaphore | None = None
        self._waiting = 0
        self.running: dict[int, Any] = {}  # pid -> process: the workers reading now
        self.peak_rss_kib = 0  # the largest worker's peak resident size so far
        self.reads = 0

    @staticmethod
    def preload() -> None:
        """Has the fork server load the OCR modules once (call before the first read)."""
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["bot.vision.ocr", "bot.vision.worker"])

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
        loop = asyncio.get_running_loop()
        receive, send = self._context.Pipe(duplex=False)
        process = self._context.Process(  # type: ignore[attr-defined]
            target=work, args=(send, data, self.limits), daemon=True
        )
        try:
            await asyncio.to_thread(process.start)
        except OSError as exc:
            log.warning("picture reader could not start: %s", type(exc).__name__)
            send.close()
            receive.close()
            return Picture(problem=PictureProblem.FAILED)
        send.close()
        pid = process.pid
        self.running[pid] = process
        ready: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(receive.fileno(), readable)
        try:
            await asyncio.wait_for(ready, self.limits.seconds)
            picture, peak = receive.recv()
            self.peak_rss_kib = max(self.peak_rss_kib, int(peak))
            self.reads += 1
            return picture  # type: ignore[no-any-return]
        except TimeoutError:
            log.warning("picture reader %s ran out of time; killed", pid)
            return Picture(problem=PictureProblem.FAILED)
        except (EOFError, OSError):
            log.warning("picture reader %s died before answering", pid)
            return Picture(problem=PictureProblem.FAILED)
        finally:
            loop.remove_reader(receive.fileno())
            receive.close()
            if process.is_alive():
                process.kill()
            await asyncio.to_thread(process.join, 5.0)
            self.running.pop(pid, None)
            with contextlib.suppress(ValueError):
                process.close()
