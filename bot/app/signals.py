"""SIGINT and SIGTERM for the long-running commands (the bot, the console on its own)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


@contextmanager
def stop_signals() -> Iterator[asyncio.Event]:
    """An event set by the first SIGINT or SIGTERM. The handlers stay installed until the
    block ends, so a second signal during the graceful stop (in-flight sends finishing, the
    last outcomes written) cannot kill the process half-way: it is only logged."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():
            log.warning("already stopping: finishing the sends in flight")
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    try:
        yield stop
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def wait_for_stop_signal() -> None:
    """Returns on the first SIGINT or SIGTERM."""
    with stop_signals() as stop:
        await stop.wait()
