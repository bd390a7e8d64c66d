"""Waiting on a busy database within a bound: the write is retried, not the update dropped."""

from __future__ import annotations

import asyncio
import errno
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

import psycopg

from bot.storage.base import StoreBusy

log = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 6
FIRST_DELAY = 0.1  # seconds; doubled each time: 0.1 + 0.2 + … + 1.6 ≈ 3 s on top of busy_timeout


async def retry_busy(
    work: Callable[[], Awaitable[T]],
    *,
    attempts: int = ATTEMPTS,
    first_delay: float = FIRST_DELAY,
    what: str = "write",
) -> T:
    """Runs `work` again while the store reports StoreBusy, waiting longer each time; the last
    StoreBusy is raised when every attempt met a busy database."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return await work()
        except StoreBusy:
            if attempt == attempts:
                raise
            log.warning("database busy during %s (attempt %d of %d)", what, attempt, attempts)
            await asyncio.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


_OUTAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO, errno.EROFS})


def is_outage(exc: BaseException | None) -> bool:
    """True when the database cannot be written now (still busy after the retries, the disk
    full, the file read-only, an I/O error, the server gone) rather than a bug: the message
    can be handled once it passes."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, StoreBusy | sqlite3.OperationalError | psycopg.OperationalError):
            return True
        if isinstance(exc, OSError) and exc.errno in _OUTAGE_ERRNOS:
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
