"""Retention: not-understood messages and closed handoffs are deleted after a set number of
days (RETENTION_DAYS, default 90), and so are the messages kept with "did this help?" votes;
once the program has ended (PROGRAM_ENDED_ON), participants who have written nothing for that
long are deleted too, as /hapus deletes them. Run by the
outbox's housekeeping (on the delivery leader only); each purge is in the audit log."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from bot.core.clock import Clock
from bot.storage.roles import ConsoleStore

log = logging.getLogger(__name__)
SYSTEM = "retention"  # the operator name in the audit log
BATCH = 1000


async def purge(
    store: ConsoleStore, clock: Clock, days: int, ended_on: date | None = None
) -> dict[str, int]:
    """Deletes what is past its time; how many of each (audited when anything went)."""
    now = clock.now()
    before = now - timedelta(days=days)
    found = await store.purge_kept(before)
    found["feedback"] = await store.purge_feedback(before)  # the 👎 messages; votes stay
    found["participants"] = 0
    if ended_on is not None:
        end = datetime.combine(ended_on, time(0), tzinfo=now.tzinfo)
        if now >= end:
            silent_since = min(before, end)
            while ids := await store.inactive_participants(silent_since, BATCH):
                for pid in ids:
                    await store.delete_participant(pid)
                found["participants"] += len(ids)
    if any(found.values()):
        await store.audit(SYSTEM, "retention_purge", now, dict(found))
        log.info("retention purge: %s", found)
    return found
