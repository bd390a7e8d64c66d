"""Running as one of several instances: the heartbeat, and named leaderships with fail-over.

Every instance registers itself in the store and beats every few seconds; the outbox rows it
claimed go to the others once it stops beating (bot/storage/outbox.py). A `Leadership` holds
one named role (long polling Telegram, delivering the outbox) while the store grants it, and
retries every few seconds while another instance holds it, so a dead leader is replaced
within one retry (PostgreSQL frees a dead session's advisory lock at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.clock import Clock

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5.0  # seconds; HEARTBEAT_STALE (15 s) marks an instance dead
LEAD_RETRY = 3.0  # seconds between attempts to take (or check) a leadership
FORGET_AFTER = timedelta(days=1)


class LeaderStore(Protocol):
    async def try_lead(self, name: str) -> bool: ...
    async def still_leading(self, name: str) -> bool: ...
    async def release_lead(self, name: str) -> None: ...


class InstanceStore(Protocol):
    async def register_instance(self, instance_id: str, now: datetime) -> str: ...
    async def beat_instance(self, now: datetime) -> bool: ...
    async def retire_instance(self) -> None: ...
    async def forget_instances(self, before: datetime) -> int: ...


def default_instance_id(port: int | None) -> str:
    """host:port of the web server (unique per host, stable across restarts), or host:pid
    for a process without one (the terminal chat, a CLI)."""
    host = socket.gethostname()
    return f"{host}:{port}" if port is not None else f"{host}:pid{os.getpid()}"


async def _cancel(task: asyncio.Task[None] | None) -> None:
    """Stops a background loop and waits until it has stopped."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class Heartbeat:
    """Registers the instance and beats until stopped."""

    def __init__(
        self,
        store: InstanceStore,
        clock: Clock,
        instance_id: str,
        every: float = HEARTBEAT_EVERY,
        *,
        outage: Callable[[BaseException], bool] = lambda exc: False,
    ) -> None:
        self.store = store
        self.clock = clock
        self.instance_id = instance_id
        self.every = every
        self.outage = outage  # the database cannot be written now (disk full): no traceback
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        token = await self.store.register_instance(self.instance_id, self.clock.now())
        log.info("instance %s started (run %s)", self.instance_id, token.rsplit("/", 1)[-1])
        self._task = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        beats = 0
        while True:
            await asyncio.sleep(self.every)
            beats += 1
            try:
                await self.store.beat_instance(self.clock.now())
                if beats % 720 == 1:  # about hourly: instances gone for a day leave the registry
                    await self.store.forget_instances(self.clock.now() - FORGET_AFTER)
            except Exception as exc:
                if not self.outage(exc):
                    log.exception("heartbeat failed")
                else:  # the next beat tries again; the messages' own apology covers users
                    log.warning("heartbeat not written: %s", type(exc).__name__)

    async def stop(self) -> None:
        await _cancel(self._task)
        self._task = None
        try:
            await self.store.retire_instance()
        except Exception:
            log.exception("could not retire the instance")


Hook = Callable[[], Awaitable[None]]


async def _nothing() -> None:
    return None


class Leadership:
    """Holds the role `name` whenever the store grants it: `on_gain` when taken, `on_loss`
    when lost or at stop. `held` says whether this instance has it right now."""

    def __init__(
        self,
        store: LeaderStore,
        name: str,
        *,
        on_gain: Hook = _nothing,
        on_loss: Hook = _nothing,
        retry: float = LEAD_RETRY,
    ) -> None:
        self.store = store
        self.name = name
        self.on_gain = on_gain
        self.on_loss = on_loss
        self.retry = retry
        self.held = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Tries once now (so a lone instance leads at once), then keeps trying/checking."""
        await self._step()
        self._task = asyncio.create_task(self._loop())

    async def _step(self) -> None:
        try:
            if not self.held:
                if await self.store.try_lead(self.name):
                    self.held = True
                    log.info("leading %s", self.name)
                    await self.on_gain()
            elif not await self.store.still_leading(self.name):
                self.held = False
                log.warning("no longer leading %s", self.name)
                await self.on_loss()
        except Exception:
            log.exception("leadership %s: check failed", self.name)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.retry)
            await self._step()

    async def stop(self) -> None:
        await _cancel(self._task)
        self._task = None
        if self.held:
            self.held = False
            try:
                await self.on_loss()
            finally:
                await self.store.release_lead(self.name)
