"""Group commit: writes arriving while one transaction commits share the next one.

One transaction per small write (a participant's update, an update id claimed, a delivery
outcome) costs a write lock, a BEGIN and a COMMIT each; on a busy event loop they queue behind
each other. Here every caller adds its item and waits; one task takes everything waiting,
writes it in one transaction through `flush`, and answers each caller with its own result (or
the transaction's exception), then takes what arrived meanwhile. Nothing waits for a timer: a
lone write is committed at once, and a burst shares a handful of commits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

Flush = Callable[[Sequence[Item]], Awaitable[Sequence[Result]]]


class GroupCommit(Generic[Item, Result]):
    """Batches `submit` calls into `flush(batch)` calls, one at a time, in arrival order.

    `flush` writes the batch in one transaction and returns one result per item, in order.
    With `most`, a batch holds at most that many items; the rest wait for the next one.
    If it raises, every caller of that batch gets the exception (the transaction rolled
    back, so none of them was written); the next batch is tried afresh.
    """

    def __init__(self, flush: Flush[Item, Result], *, most: int | None = None) -> None:
        self._flush = flush
        self._most = most  # items per flush at the most (a statement's size); None: all
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """True while a batch is being written or items wait for the next one."""
        return bool(self._waiting) or (self._task is not None and not self._task.done())

    async def submit(self, item: Item) -> Result:
        """Adds `item` to the next batch; returns its result once that batch is committed."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return await future

    async def drain(self) -> None:
        """Returns once everything submitted so far is committed (or failed)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _run(self) -> None:
        while self._waiting:
            cut = len(self._waiting) if self._most is None else self._most
            batch, self._waiting = self._waiting[:cut], self._waiting[cut:]
            try:
                results = await self._flush([item for item, _ in batch])
            except asyncio.CancelledError:  # shutting down: nobody may wait forever
                for _, future in batch + self._waiting:
                    future.cancel()
                self._waiting = []
                raise
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            if len(results) != len(batch):
                error = RuntimeError(f"flush returned {len(results)} results for {len(batch)}")
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
