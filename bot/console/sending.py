"""Broadcasts: counting a segment's recipients, and enqueueing their outbox rows in batches
in the background, so a 100,000-recipient broadcast never blocks the server.

Rows are paced: on each channel a broadcast's rows fall due at most at SHARE of the channel's
sending rate, so reminders due meanwhile still go out on time (the outbox sends in due order),
and each row is moved out of its participant's quiet hours. The delivery worker sends them
under the platforms' rate limits; on WhatsApp as a template outside the 24-hour window.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.program import Program
from bot.outbox.planner import leave_quiet
from bot.storage.broadcasts import outside_whatsapp_window, reachable
from bot.storage.roles import ConsoleStore
from bot.storage.segments import Segment

log = logging.getLogger(__name__)

BATCH = 1000
SHARE = 0.8
DEFAULT_RATE = 30.0


class HasReader(Protocol):
    reader: ConsoleStore


class BroadcastJob:
    """Creates broadcasts and enqueues their rows (resuming unfinished ones at start)."""

    def __init__(
        self,
        store: ConsoleStore,
        program: Program,
        clock: Clock,
        rates: Mapping[str, float],
        *,
        batch: int = BATCH,
        reader: HasReader | None = None,
    ) -> None:
        self.store = store
        self._reader = reader
        self.program = program
        self.clock = clock
        self.rates = dict(rates)
        self.batch = batch
        self._tasks: dict[int, asyncio.Task[None]] = {}

    @property
    def reads(self) -> ConsoleStore:
        """Where the segment queries go (the console's read connection, if it has one)."""
        return self._reader.reader if self._reader is not None else self.store

    async def recipients(self, segment: Segment, notice: bool) -> int:
        """How many participants a broadcast to the segment reaches now."""
        return await self.reads.count_segment(segment, self.clock.now(), reachable(notice))

    async def template_recipients(self, segment: Segment, notice: bool) -> int:
        """How many of them get a WhatsApp template (outside their 24-hour window)."""
        now = self.clock.now()
        extra = reachable(notice) + outside_whatsapp_window(now)
        return await self.reads.count_segment(segment, now, extra)

    async def create(
        self,
        operator: str,
        segment: Segment,
        text: str,
        text_en: str | None,
        notice: bool,
        at: datetime | None,
    ) -> tuple[int, int]:
        """Stores the broadcast and starts enqueueing it; (id, recipients)."""
        bid, count, _ = await self.create_once(operator, segment, text, text_en, notice, at)
        return bid, count

    async def create_once(
        self,
        operator: str,
        segment: Segment,
        text: str,
        text_en: str | None,
        notice: bool,
        at: datetime | None,
        form_token: str | None = None,
    ) -> tuple[int, int, bool]:
        """As `create`, once per form token: a token already used gives that broadcast back
        (id, recipients, False)."""
        now = self.clock.now()
        if form_token is not None:
            existing = await self.store.broadcast_by_form_token(form_token)
            if existing is not None:
                return existing.id, existing.recipients, False
        count = await self.recipients(segment, notice)
        send_at = max(at, now) if at is not None else now
        broadcast_id = await self.store.create_broadcast(
            operator, text, text_en, segment, notice, send_at, count, now, form_token
        )
        log.info("broadcast %s: %d recipients, from %s", broadcast_id, count, send_at)
        self.kick(broadcast_id)
        return broadcast_id, count, True

    def kick(self, broadcast_id: int) -> None:
        if broadcast_id not in self._tasks or self._tasks[broadcast_id].done():
            self._tasks[broadcast_id] = asyncio.create_task(self._run(broadcast_id))

    async def wait(self) -> None:
        """Returns when every broadcast's rows are enqueued (tests, the CLI)."""
        while pending := [t for t in self._tasks.values() if not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    async def start(self) -> None:
        for broadcast_id in await self.store.enqueueing_broadcasts():
            self.kick(broadcast_id)

    async def stop(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks.clear()

    async def _run(self, broadcast_id: int) -> None:
        try:
            await self.enqueue(broadcast_id)
        except asyncio.CancelledError:
            raise
        except Exception:  # resumed at the next start
            log.exception("broadcast %s: enqueueing failed", broadcast_id)

    async def enqueue(self, broadcast_id: int) -> None:
        """Enqueues the broadcast's rows batch by batch, yielding to the server in between."""
        found = await self.store.broadcast(broadcast_id)
        if found is None or found.state != "enqueueing":
            return
        segment = Segment(**found.segment)
        payload = {
            "broadcast": found.id,
            "text": found.text,
            "text_en": found.text_en,
            "notice": found.program_notice,
        }
        rules = self.program.reminders
        zones: dict[str, ZoneInfo] = {}
        positions: dict[str, int] = {}  # per channel; resumed conservatively
        total = found.enqueued
        after = found.after_id
        while True:
            batch = await self.reads.broadcast_candidates(
                segment, found.program_notice, found.created_at, after, self.batch
            )
            rows = []
            for pid, zone_name, channel in batch:
                pace = SHARE * self.rates.get(channel, DEFAULT_RATE)
                position = positions.setdefault(channel, found.enqueued)
                positions[channel] = position + 1
                due = found.send_at + timedelta(seconds=position / pace)
                zone = zones.setdefault(zone_name, ZoneInfo(zone_name))
                rows.append((pid, leave_quiet(due, zone, rules)))
                total += 1
            done = len(batch) < self.batch
            if batch:
                after = batch[-1][0]
            added = await self.store.enqueue_broadcast_rows(
                found.id, rows, payload, after, done, self.clock.now()
            )
            if not added or done:
                log.info("broadcast %s: %d rows enqueued", found.id, total)
                return
            await asyncio.sleep(0)
