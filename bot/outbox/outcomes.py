"""Recording what each send did: one outcome at a time, as soon as its answer arrives.

The delivery worker's sender tasks each await the commit of their row's outcome before taking
the next row; outcomes arriving while a transaction commits share the next one
(bot/storage/group_commit.py), so a burst costs a handful of commits and nothing waits for a
timer. A kill -9 repeats what was sent and not yet recorded: the requests in flight and the
answers whose commit had not finished. Their number is capped (`room`): no sender sends while
the sends unrecorded reach the worker's bound for the channel (what its rate needs over a
send and its commit, plus a few), so a stalled commit (a long write transaction elsewhere, a
starved machine) cannot leave one unrecorded send per sender task (64).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from bot.core.clock import Clock
from bot.storage.base import StoreBusy
from bot.storage.group_commit import GroupCommit
from bot.storage.outbox import Outcome
from bot.storage.roles import OutboxStore

log = logging.getLogger(__name__)
T = TypeVar("T")

FINAL_WRITE_ATTEMPTS = 15


class OutcomeWriter:
    """Writes outcomes through a group commit; keeps what a busy database refused."""

    def __init__(self, store: OutboxStore, clock: Clock, most_unrecorded: int) -> None:
        self.store = store
        self.clock = clock
        self.most_unrecorded = max(1, most_unrecorded)
        self._commits: GroupCommit[Outcome, None] = GroupCommit(self._commit)
        self.kept: list[Outcome] = []  # refused by a busy database: written with the next commit
        self._committing = 0  # outcomes submitted, commit not finished
        self.sending = 0  # requests sent (or about to be), outcome not submitted yet
        self._room = asyncio.Event()
        self._room.set()

    @property
    def unrecorded(self) -> int:
        """Outcomes not committed yet: in a commit under way or waiting for one, or kept."""
        return self._committing + len(self.kept)

    def has_room(self, most: int | None = None) -> bool:
        """Whether a sender may send now: fewer than `most` sends unrecorded, in flight or
        answered (the worker's bound for the channel), or without it fewer than
        `most_unrecorded` outcomes unrecorded."""
        if most is None:
            return self.unrecorded < self.most_unrecorded
        return self.sending + self.unrecorded < most

    async def room(self, most: int | None = None) -> None:
        """Returns once a sender may send (`has_room`); the caller then counts its request in
        `sending` until it submits the outcome. Outcomes a busy database refused count as
        unrecorded; with no commit under way to take them along, they are written from here."""
        while not self.has_room(most):
            if self._committing == 0 and self.kept:  # nothing else writes them now
                await self.write_kept(insist=False)
                if not self.has_room(most):
                    await asyncio.sleep(0.5)  # the database is still busy: not in a spin
                continue
            self._room.clear()
            await self._room.wait()

    async def counted(self, sending: Awaitable[T]) -> T:
        """Awaits a send, counting it in `sending` until its answer (or failure) arrives; its
        outcome goes to `write` next."""
        self.sending += 1
        try:
            return await sending
        finally:
            self.sending -= 1
            self._wake()

    async def write(self, outcome: Outcome) -> None:
        """Records one row's outcome now, in one transaction with the outcomes arriving
        meanwhile. Refused by the database (busy), it is kept and written with the next
        commit (the last write of a run insists); this never raises but on cancellation."""
        self._committing += 1
        try:
            await self._commits.submit(outcome)
        except Exception as exc:  # busy (or a full disk): the sender goes on, nothing dropped
            self.kept.append(outcome)
            log.warning("outbox row %s: outcome not written yet (%r)", outcome.row_id, exc)
        except asyncio.CancelledError:
            # Writing one twice is harmless (only rows still `sending` are updated).
            self.kept.append(outcome)
            raise
        finally:
            self._committing -= 1
            self._wake()

    async def drain(self) -> None:
        """Returns once every outcome submitted so far is committed (or kept)."""
        await self._commits.drain()

    async def write_kept(self, *, insist: bool) -> None:
        """Writes the outcomes a busy database refused. At the end of a run (also on SIGTERM)
        it insists for about a minute: a sent row left `sending` would be sent again."""
        for attempt in range(FINAL_WRITE_ATTEMPTS if insist else 1):
            if not self.kept:
                return
            kept, self.kept = self.kept, []
            try:
                await self.store.record_outcomes(kept, self.clock.now())
                self._wake()
                return
            except BaseException as exc:
                self.kept[:0] = kept
                if not isinstance(exc, StoreBusy):
                    raise
                log.warning("outbox: %d outcomes not written yet (%s)", len(kept), exc)
                if insist:
                    await asyncio.sleep(min(0.5 * (attempt + 1), 5.0))

    def _wake(self) -> None:
        if self.has_room():
            self._room.set()

    async def _commit(self, batch: Sequence[Outcome]) -> list[None]:
        """One transaction: the outcomes kept from a busy moment, then `batch`."""
        kept, self.kept = self.kept, []
        try:
            await self.store.record_outcomes([*kept, *batch], self.clock.now())
        except BaseException:
            self.kept[:0] = kept
            raise
        return [None] * len(batch)
