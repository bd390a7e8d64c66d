"""The SQL store: every topic's mixin over one database (bot/storage/database.py).

`SqliteStore` (bot/storage/sqlite.py) and `PostgresStore` (bot/storage/postgres.py) are its two
thin siblings: how each opens and migrates its database, and its locks.
"""

from __future__ import annotations

from bot.storage.access import AccessMixin
from bot.storage.broadcasts import BroadcastMixin
from bot.storage.console import ConsoleMixin
from bot.storage.flagged import FlaggedMixin
from bot.storage.handoffs import HandoffMixin
from bot.storage.inbox import InboxMixin
from bot.storage.incentives import IncentivesMixin
from bot.storage.instances import InstancesMixin
from bot.storage.learning import LearningMixin
from bot.storage.memory import MemoryMixin
from bot.storage.outbox import OutboxMixin
from bot.storage.participants import ParticipantsMixin
from bot.storage.reachability import ReachabilityMixin
from bot.storage.reports import ReportsMixin
from bot.storage.whatsapp import WhatsAppMixin


class SqlStore(
    ParticipantsMixin,
    IncentivesMixin,
    OutboxMixin,
    ReachabilityMixin,
    WhatsAppMixin,
    InstancesMixin,
    MemoryMixin,
    ConsoleMixin,
    HandoffMixin,
    BroadcastMixin,
    AccessMixin,
    ReportsMixin,
    InboxMixin,
    FlaggedMixin,
    LearningMixin,
):
    """Every store operation, one mixin per topic, written once for both databases."""

    async def close(self) -> None:
        await self.db.close()
