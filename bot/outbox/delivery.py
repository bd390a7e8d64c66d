"""The delivery worker: claims due outbox rows, re-checks them, sends them under each channel's
rate limits, and records what happened.

One run (`run_once`) drains what is due: a producer claims batches of rows with a lease and
feeds a bounded queue; `max_in_flight` sender tasks take rows from it, so sends overlap up to
the channel's limit instead of going one by one. Each sender records its row's outcome as
soon as the answer arrives, and waits for that commit before it takes the next row; outcomes
arriving together share one transaction (bot/storage/group_commit.py). A row is `sent` at most
once unless the process dies between the send and the commit: then its claim lapses and it is
sent again (at-least-once). So a kill repeats only the requests in flight at that moment and
the answers not yet committed. No sender sends while those reach the channel's bound (the rate
× twice the median time of a send and its commit, plus `Policy.max_unrecorded`), so a stalled
commit (a long transaction elsewhere) cannot make it one per sender task.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.clock import Clock
from bot.core.domain import Participant
from bot.core.outbound import Delivery, Outbound, Outcome, Sender
from bot.core.program import Program
from bot.outbox.channel_state import ChannelState
from bot.outbox.notices import NoticeBook
from bot.outbox.outcomes import OutcomeWriter
from bot.outbox.pacing import BROADCAST, Now, Pacer
from bot.outbox.planner import leave_quiet
from bot.outbox.policy import ChannelLimit, Policy
from bot.storage.outbox import OutboxRow
from bot.storage.outbox import Outcome as Written
from bot.storage.reports import TIER_DEFERRED  # pending until its slot; late in the console
from bot.storage.roles import OutboxStore

log = logging.getLogger(__name__)

# A row is worded as of its due time, so a copy sent again after a crash (once its 5-minute
# lease expired) is identical to the first ("7 hari lagi" stays "7 hari lagi"); one sent later
# is worded as of now, so the last day's countdown in hours and minutes matches the time
# really left when it arrives.
RENDER_FROM_DUE_WITHIN = timedelta(minutes=15)


def urgency(row: OutboxRow) -> datetime:
    """The deadline a row is about (reminders carry it), else its due time: nearest first."""
    raw = row.payload.get("deadline")
    if isinstance(raw, str):
        try:
            found = datetime.fromisoformat(raw)
        except ValueError:
            return row.due_at
        if found.tzinfo is not None:  # a naive one cannot be compared with the others
            return found
    return row.due_at


def rendered_at(due_at: datetime, now: datetime) -> datetime | None:
    """The moment a row is worded for: its due time, unless that is long past (then now)."""
    if due_at <= now and now - due_at <= RENDER_FROM_DUE_WITHIN:
        return due_at
    return None


Sleep = Callable[[float], Awaitable[None]]
# Claimed rows with their participant (None: deleted) and the moment after which they are no
# longer sent (half their lease), then one None per sender task.
_Queue = asyncio.Queue[tuple[OutboxRow, Participant | None, datetime] | None]


@dataclass
class RunStats:
    """What one run did (also summed over a worker's life in `DeliveryWorker.totals`)."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    failed: int = 0
    cancelled: int = 0
    unreachable: int = 0
    deferred: int = 0  # put off by a platform's daily limit (WhatsApp's tier)

    def add(self, other: RunStats) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class DeliveryWorker:
    """Delivers due outbox rows through the channels' senders."""

    def __init__(
        self,
        store: OutboxStore,
        program: Program,
        clock: Clock,
        notices: NoticeBook,
        senders: Mapping[str, Sender],
        limits: Mapping[str, ChannelLimit] | None = None,
        policy: Policy | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        now: Now = time.monotonic,
        pacers: Mapping[str, Pacer] | None = None,
    ) -> None:
        self.store = store
        self.program = program
        self.clock = clock
        self.notices = notices
        self.policy = policy or Policy()
        self.sleep = sleep
        self._now = now
        limits = limits or {}
        self.channels: dict[str, ChannelState] = {}
        for name, sender in senders.items():
            pacer = (pacers or {}).get(name)
            if pacer is None:
                pacer = Pacer(limits.get(name, ChannelLimit(rate=30.0)), now=now, sleep=sleep)
            self.channels[name] = ChannelState(sender, pacer)
        self.totals = RunStats()
        self._stopping = False
        # Each outcome is committed before its sender goes on to its next row.
        self.outcomes = OutcomeWriter(store, clock, self.policy.max_unrecorded)
        self._write = self.outcomes.write
        self._idle = asyncio.Event()
        self._idle.set()

    # control -----------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Makes the current run finish its in-flight sends and hand queued rows back."""
        self._stopping = True

    async def wait_idle(self) -> None:
        """Returns once no run is in progress."""
        await self._idle.wait()

    def _active_channels(self) -> list[str]:
        now = self.clock.now()
        return [
            name
            for name, ch in self.channels.items()
            if ch.paused_until is None or ch.paused_until <= now
        ]

    # one run -----------------------------------------------------------------------------

    async def run_once(self) -> RunStats:
        """Claims and sends everything due now; returns what it did."""
        if self._stopping:
            return RunStats()
        self._idle.clear()
        stats = RunStats()
        queue: _Queue = asyncio.Queue(maxsize=self.policy.batch)
        workers = [
            asyncio.create_task(self._work(queue, stats)) for _ in range(self.policy.max_in_flight)
        ]
        try:
            await self._produce(queue, stats)
        finally:
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)
            await self.outcomes.drain()
            await self.outcomes.write_kept(insist=True)
            self.totals.add(stats)
            self._idle.set()
        if stats.claimed:
            log.info(
                "outbox run: %d claimed, %d sent, %d retried, %d rate-limited, %d failed,"
                " %d cancelled",
                stats.claimed,
                stats.sent,
                stats.retried,
                stats.rate_limited,
                stats.failed,
                stats.cancelled,
            )
        return stats

    async def _produce(self, queue: _Queue, stats: RunStats) -> None:
        waited_for: datetime | None = None
        drained = False
        while not self._stopping:
            await self.outcomes.write_kept(insist=False)
            now = self.clock.now()
            rows = await self.store.claim_due(
                now, now + self.policy.lease, self._active_channels(), self.policy.batch
            )
            if rows:
                drained = False
                stats.claimed += len(rows)
                found = await self.store.participants_by_ids({r.participant_id for r in rows})
                # The most urgent first: where a daily limit (WhatsApp's tier) leaves fewer
                # slots than rows, the nearest deadlines get them.
                send_by = now + self.policy.lease / 2
                for row in sorted(rows, key=urgency):
                    await queue.put((row, found.get(row.participant_id), send_by))
                continue
            if not drained:
                # Let the sends in flight finish: a retry or a 429 may make more rows due.
                await queue.join()
                drained = True
                continue
            # A channel paused for a while (429): wait for it within this run, once.
            pauses = [
                ch.paused_until
                for ch in self.channels.values()
                if ch.paused_until is not None and ch.paused_until > now
            ]
            if not pauses or min(pauses) == waited_for:
                return
            waited_for = min(pauses)
            await self.sleep((waited_for - now).total_seconds())

    async def _work(self, queue: _Queue, stats: RunStats) -> None:
        while (item := await queue.get()) is not None:
            row, participant, send_by = item
            try:
                await self._deliver(row, participant, stats, send_by)
            except Exception as exc:  # a bug in a notice must not stop the others
                log.exception("outbox row %s failed to render or send", row.id)
                await self._retry(row, f"error: {type(exc).__name__}", stats)
            finally:
                queue.task_done()

    # one row -----------------------------------------------------------------------------

    async def _release(self, row: OutboxRow) -> None:
        """Back to pending without counting an attempt (stopping, or the channel paused)."""
        await self._write(Written(row.id, "pending", "released", count_attempt=False))

    async def _retry(self, row: OutboxRow, error: str, stats: RunStats) -> None:
        attempt = row.attempts + 1
        if attempt >= self.policy.max_attempts:
            stats.failed += 1
            await self._write(Written(row.id, "failed", error))
            log.warning("outbox row %s failed after %d attempts: %s", row.id, attempt, error)
            return
        stats.retried += 1
        due = self.clock.now() + self.policy.backoff(attempt)
        await self._write(Written(row.id, "pending", error, due_at=due))

    async def _deliver(
        self,
        row: OutboxRow,
        participant: Participant | None,
        stats: RunStats,
        send_by: datetime | None = None,
    ) -> None:
        channel = self.channels[row.channel]
        if self._stopping or (
            channel.paused_until is not None and channel.paused_until > self.clock.now()
        ):
            await self._release(row)
            return
        if not self.notices.knows(row.kind):
            stats.failed += 1
            await self._write(Written(row.id, "failed", f"unknown kind {row.kind}"))
            return
        if participant is None or not self.notices.applies(
            row.kind, participant, row.payload, self.clock.now()
        ):
            stats.cancelled += 1
            reason = "participant gone" if participant is None else "no longer applies"
            await self._write(Written(row.id, "cancelled", reason, count_attempt=False))
            return
        now = self.clock.now()
        if self.notices.waits_out_quiet_hours(row.kind):  # what the bot starts waits
            wake = leave_quiet(now, ZoneInfo(participant.timezone), self.program.reminders)
            if wake > now:
                await self._write(
                    Written(row.id, "pending", "quiet hours", due_at=wake, count_attempt=False)
                )
                return
        at = rendered_at(row.due_at, now)
        rendered = self.notices.render(row.kind, participant, row.payload, at)
        message = Outbound(
            chat_id=participant.chat_id,
            replies=tuple(rendered.replies),
            locale=rendered.locale,
            # the notice's own template, for when the platform's window is closed (WhatsApp)
            template=rendered.template(),
            paid_broadcast=channel.limit.paid_broadcast,
            extra={"outbox_id": str(row.id), "kind": row.kind},
        )
        if await self._deferred(row, channel, message, stats):
            return
        # Not beyond the sends unrecorded the rate needs (a stalled commit stops the senders):
        # a kill repeats every send not yet recorded.
        most = channel.unrecorded_bound(self.policy.max_unrecorded)
        await self.outcomes.room(most)
        await channel.pacer.turn(participant.chat_id, BROADCAST)  # replies go first
        while not self.outcomes.has_room(most):  # answers came in while this one waited
            await self.outcomes.room(most)
            await channel.pacer.turn(None, BROADCAST)  # the woken senders keep the pace
        if channel.paused_until is not None and channel.paused_until > self.clock.now():
            await self._release(row)  # a 429 arrived while this row waited for its turn
            return
        if send_by is not None and self.clock.now() > send_by:
            # Held for half its lease (a long queue on a slow channel): another run may claim
            # it any moment and send it too. Left as it is, it is claimed afresh (and sent
            # once) when the lease ends; nothing is written, that claim may be another's.
            log.warning("outbox row %s held for half its lease: left to the next claim", row.id)
            return
        started = self._now()
        delivery = await self.outcomes.counted(channel.sender.send(message))
        if delivery.outcome == Outcome.NEEDS_TEMPLATE:
            # The platform's window is closed (WhatsApp): send the pre-approved template.
            forced = Outbound(
                chat_id=message.chat_id,
                replies=message.replies,
                locale=message.locale,
                template=message.template,
                force_template=True,
                paid_broadcast=message.paid_broadcast,
                extra=message.extra,
            )
            if await self._deferred(row, channel, forced, stats):
                return
            await channel.pacer.turn(None, BROADCAST)
            delivery = await self.outcomes.counted(channel.sender.send(forced))
        await self._record(row, participant, channel, delivery, stats)
        channel.round_trip(self._now() - started)  # the send and its outcome's commit

    async def _deferred(
        self, row: OutboxRow, channel: ChannelState, message: Outbound, stats: RunStats
    ) -> bool:
        """True (and the row put off to its planned slot) when the channel's daily limit on
        new conversations has no slot for this message now."""
        admit = getattr(channel.sender, "admit", None)
        if admit is None:
            return False
        later: datetime | None = await admit(message)
        if later is None:
            return False
        stats.deferred += 1
        await self._write(
            Written(row.id, "pending", TIER_DEFERRED, due_at=later, count_attempt=False)
        )
        return True

    async def _record(
        self,
        row: OutboxRow,
        participant: Participant,
        channel: ChannelState,
        delivery: Delivery,
        stats: RunStats,
    ) -> None:
        error = delivery.error or delivery.outcome.value
        match delivery.outcome:
            case Outcome.SENT:
                stats.sent += 1
                await self._write(Written(row.id, "sent", None, message_ids=delivery.message_ids))
            case Outcome.RETRY_AFTER:
                stats.rate_limited += 1
                wait = timedelta(seconds=delivery.retry_after or 1.0)
                until = self.clock.now() + wait
                channel.pacer.pause(wait.total_seconds())  # replies wait it out too
                if channel.paused_until is None or channel.paused_until < until:
                    channel.paused_until = until
                    log.warning(
                        "channel %s paused for %.1fs (429)", row.channel, wait.total_seconds()
                    )
                await self._write(
                    Written(row.id, "pending", f"retry after {wait}", count_attempt=False)
                )
            case Outcome.UNREACHABLE:
                stats.unreachable += 1
                await self._write(Written(row.id, "cancelled", f"unreachable: {error}"))
                assert participant.id is not None
                await self.store.mark_unreachable(participant.id)
                log.info("participant %s unreachable; pending rows cancelled", participant.id)
            case Outcome.PERMANENT:
                stats.failed += 1
                await self._write(Written(row.id, "failed", error))
            case Outcome.TRANSIENT | Outcome.NEEDS_TEMPLATE:
                await self._retry(row, error, stats)
