"""Several instances (SQL): each running instance's heartbeat, the lock that keeps one
participant's messages in order, and named leaderships (the Telegram poller, the delivery
leader). This is the SQLite side: one process, so the locks are in-process and every
leadership is granted; bot/storage/postgres.py overrides the locks with advisory locks.

Every start registers a new `token` for the instance's id; outbox rows claimed by a token
that no longer beats (bot/storage/outbox.py, HEARTBEAT_STALE) are taken over by the others,
and at once by the restarted instance itself (its new token differs).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

from bot.storage.sql_base import SqlBase, ts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InstanceRow:
    """One registered instance and when it last beat."""

    id: str
    token: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime


class InstancesMixin(SqlBase):
    """Instance registry, participant locks and leaderships."""

    _leading: set[str] | None = None

    async def register_instance(self, instance_id: str, now: datetime) -> str:
        """Records this run of `instance_id` (a fresh token) and makes this store's outbox
        claims carry it. Returns the token."""
        token = f"{instance_id}/{secrets.token_hex(6)}"
        async with self.transaction():
            await self.db.execute(
                "INSERT INTO instances (id, token, host, pid, started_at, heartbeat_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET token = excluded.token,"
                " host = excluded.host, pid = excluded.pid, started_at = excluded.started_at,"
                " heartbeat_at = excluded.heartbeat_at",
                (instance_id, token, socket.gethostname(), os.getpid(), ts(now), ts(now)),
            )
        self.instance_id = instance_id
        self.instance_token = token
        return token

    async def beat_instance(self, now: datetime) -> bool:
        """The heartbeat; False if another process registered the same instance id since
        (two instances must never share INSTANCE_ID: each would take the other's claims)."""
        if self.instance_token is None:
            return False
        async with self.transaction():
            changed = await self.db.execute(
                "UPDATE instances SET heartbeat_at = ? WHERE id = ? AND token = ?",
                (ts(now), self.instance_id, self.instance_token),
            )
            beating = changed == 1
        if not beating:
            log.error("instance %s was registered again by another process", self.instance_id)
        return beating

    async def retire_instance(self) -> None:
        """A clean stop: the instance's row goes, so whatever it still claimed is free now."""
        if self.instance_token is None:
            return
        async with self.transaction():
            await self.db.execute("DELETE FROM instances WHERE token = ?", (self.instance_token,))
        self.instance_token = None

    async def live_instances(self) -> list[InstanceRow]:
        """Every registered instance, most recent heartbeat first."""
        return [
            InstanceRow(
                r[0],
                r[1],
                r[2],
                int(r[3]),
                datetime.fromisoformat(r[4]),
                datetime.fromisoformat(r[5]),
            )
            for r in await self.db.fetchall(
                "SELECT id, token, host, pid, started_at, heartbeat_at FROM instances"
                " ORDER BY heartbeat_at DESC"
            )
        ]

    async def forget_instances(self, before: datetime) -> int:
        """Drops instances silent since `before` (housekeeping)."""
        async with self.transaction():
            return await self.db.execute(
                "DELETE FROM instances WHERE heartbeat_at < ?", (ts(before),)
            )

    def participant_lock(self, channel: str, user_id: str) -> AbstractAsyncContextManager[None]:
        """Held while one message of the participant is handled: their messages are handled
        strictly one after the other (SQLite: one process, so an in-process lock)."""
        return self._participant_locks.hold((channel, user_id))

    async def try_lead(self, name: str) -> bool:
        """Takes the leadership `name` if nobody holds it (SQLite: one instance, granted
        unless this process already holds it)."""
        if self._leading is None:
            self._leading = set()
        if name in self._leading:
            return False
        self._leading.add(name)
        return True

    async def still_leading(self, name: str) -> bool:
        """Whether the leadership taken by `try_lead` is still held."""
        return self._leading is not None and name in self._leading

    async def release_lead(self, name: str) -> None:
        if self._leading is not None:
            self._leading.discard(name)
