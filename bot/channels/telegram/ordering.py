"""Concurrent update processing that keeps each participant's updates strictly in order, and
keeps one participant's flood from starving everyone else."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.channels.telegram.light import LightUpdate
from bot.core.locks import KeyedLocks

# PTB's own semaphore is taken before `do_process_update`, so a user's queued updates would
# each hold one of its slots while waiting for their own lock: it is set out of reach, and
# the real limit is taken only once it is the update's turn.
_UNBOUNDED = 1_000_000
PER_USER_QUEUE = 20  # updates of one user waiting at once; the rest are answered once, not run

Overflow = Callable[[Any], Awaitable[None]]  # called with an Update or a LightUpdate


def _hashable(value: object) -> bool:
    return isinstance(value, int | str) and not isinstance(value, bool)


def update_key(update: object) -> Hashable:
    """Whose update this is: the user (or chat) it comes from; unrelated updates get no key."""
    if isinstance(update, LightUpdate):
        return ("user", update.user_id)
    if isinstance(update, Update):
        user, chat = update.effective_user, update.effective_chat
        if user is not None and _hashable(user.id):
            return ("user", user.id)
        if chat is not None and _hashable(chat.id):
            return ("chat", chat.id)
        return ("update", update.update_id)
    return ("object", id(update))


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once; one user's updates one after the other.

    python-telegram-bot starts one task per update in arrival order; each takes its user's
    lock here (asyncio locks are FIFO, so a user's updates reach the handlers in arrival
    order) and only then one of the processing slots: a user's queued updates wait without
    holding a slot, so another user's update is never stuck behind a flood. A user with
    `per_user_queue` updates already waiting gets the next ones dropped: `overflow` is
    called for the first of each burst (the channel answers it once), never for the rest.
    """

    def __init__(
        self,
        max_concurrent_updates: int = 512,
        finished: Callable[[object], None] | None = None,
        *,
        per_user_queue: int = PER_USER_QUEUE,
        overflow: Overflow | None = None,
    ) -> None:
        super().__init__(_UNBOUNDED)
        self._limit = max_concurrent_updates
        self._slots: asyncio.Semaphore | None = None
        self._order = KeyedLocks()
        self._finished = finished  # called once an update is handled (or failed, or dropped)
        self._per_user = per_user_queue
        self._overflow = overflow
        self._flooding: set[Hashable] = set()
        self.dropped = 0

    @property
    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._limit)
        return self._slots

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = update_key(update)
        try:
            if self._order.users(key) > self._per_user:
                await self._drop(key, update, coroutine)
                return
            async with self._order.hold(key), self.slots:
                await coroutine
            if not self._order.users(key):
                self._flooding.discard(key)
        finally:
            if self._finished is not None:
                self._finished(update)

    async def _drop(self, key: Hashable, update: object, coroutine: Awaitable[object]) -> None:
        if inspect.iscoroutine(coroutine):
            coroutine.close()
        self.dropped += 1
        first = key not in self._flooding
        self._flooding.add(key)
        if first and self._overflow is not None and isinstance(update, Update | LightUpdate):
            await self._overflow(update)

    def on_overflow(self, overflow: Overflow) -> None:
        """Who answers the first dropped update of a flood (the channel, once it exists)."""
        self._overflow = overflow

    def queued_behind(self, update: object) -> bool:
        """True when a later update of the same user waits for this one (or another) to end."""
        return self._order.users(update_key(update)) > 1

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
