"""Concurrent update processing that keeps each participant's updates strictly in order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.core.locks import KeyedLocks


def update_key(update: object) -> object:
    """Whose update this is: the user (or chat) it comes from; unrelated updates get no key."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        return ("update", update.update_id)
    return ("object", id(update))


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once; one user's updates one after the other.

    python-telegram-bot starts one task per update in arrival order; each passes the
    processor's semaphore (FIFO) and then, without suspending, takes its user's lock here.
    asyncio locks are FIFO too, so a user's updates reach the handlers in arrival order even
    when a handler awaits the network before the engine's own per-participant lock.
    """

    def __init__(
        self,
        max_concurrent_updates: int = 512,
        finished: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._order = KeyedLocks()
        self._finished = finished  # called once an update is handled (or failed)

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        try:
            async with self._order.hold(update_key(update)):
                await coroutine
        finally:
            if self._finished is not None:
                self._finished(update)

    def queued_behind(self, update: object) -> bool:
        """True when a later update of the same user waits for this one (or another) to end."""
        return self._order.users(update_key(update)) > 1

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
