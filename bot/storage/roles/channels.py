"""The roles of the store for the channels, the outbox and the incentive feed."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.core.benefits import Item, Push, Source
from bot.core.cluster import LeaderStore
from bot.core.domain import Option, Participant
from bot.storage.outbox import KindCount, OutboxRow, Outcome
from bot.storage.whatsapp import SentStatus, Window


class ParticipantStore(Protocol):
    """Participants read and written by id (the outbox, the console, the feed)."""

    async def get_participant(self, channel: str, user_id: str) -> Participant | None: ...

    async def participant_by_id(self, participant_id: int) -> Participant | None: ...

    async def participants_by_ids(self, ids: Collection[int]) -> dict[int, Participant]: ...

    async def save_participant(self, participant: Participant) -> Participant: ...

    async def delete_participant(self, participant_id: int) -> None: ...


class InboundStore(Protocol):
    """What the channels' inbound side records: update ids, WhatsApp message ids, statuses
    and numbers, and the choices the terminal chat numbered last."""

    async def save_shown_options(
        self, channel: str, user_id: str, options: Sequence[Option], now: datetime
    ) -> None: ...

    async def shown_options(self, channel: str, user_id: str) -> tuple[Option, ...]: ...

    async def claim_update(
        self, channel: str, update_id: str, user_id: str | None, now: datetime
    ) -> bool: ...

    async def release_update(self, channel: str, update_id: str) -> None: ...

    async def prune_updates(self, before: datetime) -> int: ...

    async def claim_status(
        self, wamid: str, status: str, at: datetime, user_id: str | None, now: datetime
    ) -> bool: ...

    async def enqueue(
        self,
        participant_id: int,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        key: str,
        *,
        now: datetime,
    ) -> bool: ...

    async def get_participant(self, channel: str, user_id: str) -> Participant | None: ...

    async def set_unreachable(self, channel: str, user_id: str, flag: bool) -> bool: ...

    async def whatsapp_claim_inbound(
        self, wamid: str, now: datetime, user_id: str | None = None
    ) -> bool: ...

    async def whatsapp_prune_inbound(self, before: datetime) -> int: ...

    async def whatsapp_change_number(
        self, old_ids: Sequence[str], new_wa_id: str | None, new_user_id: str | None
    ) -> int: ...

    async def whatsapp_fail_row(self, outbox_id: int, error: str) -> None: ...

    async def whatsapp_known(self, wamid: str) -> bool: ...

    async def whatsapp_mark_unreachable(
        self, chat_id: str, outbox_id: int | None = None
    ) -> None: ...

    async def whatsapp_record_status(
        self,
        wamid: str,
        status: str,
        now: datetime,
        error_code: int | None = None,
        error_title: str | None = None,
    ) -> SentStatus | None: ...

    async def whatsapp_rekey(self, old_user_id: str, new_user_id: str) -> bool: ...

    async def whatsapp_remember_phone(self, user_id: str, phone: str) -> None: ...

    async def whatsapp_requeue(
        self,
        outbox_id: int,
        due_at: datetime,
        error: str,
        *,
        as_template: bool = False,
        max_attempts: int = 5,
    ) -> str: ...

    async def whatsapp_resolve_user(self, wa_id: str) -> str | None: ...


class OutboxStore(LeaderStore, Protocol):
    """The outbox: claiming due rows, recording outcomes, planning reminders (the delivery
    worker and its leadership, the planner, the senders)."""

    async def enqueue(
        self,
        participant_id: int,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        key: str,
        *,
        now: datetime,
    ) -> bool: ...

    async def claim_due(
        self, now: datetime, lease_until: datetime, channels: Collection[str], limit: int
    ) -> list[OutboxRow]: ...

    async def record_outcomes(self, outcomes: Sequence[Outcome], now: datetime) -> None: ...

    async def mark_unreachable(self, participant_id: int) -> None: ...

    async def participants_by_ids(self, ids: Collection[int]) -> dict[int, Participant]: ...

    async def cancel_pending(
        self, participant_id: int, kind_prefix: str = "", reason: str = "cancelled"
    ) -> int: ...

    async def replace_pending(
        self,
        participant_id: int,
        kind_prefix: str,
        rows: Iterable[tuple[str, datetime, dict[str, Any], str]],
        now: datetime,
    ) -> int: ...

    async def missing_reminder_plans(
        self, now: datetime, kind: str, rule: str, after_id: int = 0, span: int = 5000
    ) -> tuple[list[int], int | None]: ...

    async def upcoming(
        self, participant_id: int, kind_prefix: str, now: datetime
    ) -> list[tuple[str, datetime, dict[str, Any]]]: ...

    async def next_due(self) -> datetime | None: ...

    async def outbox_counts(self) -> list[KindCount]: ...

    async def whatsapp_outbox_recipients(self, since: datetime) -> list[tuple[str, datetime]]: ...

    async def whatsapp_record_sent(
        self,
        wamids: Sequence[str],
        outbox_id: int | None,
        now: datetime,
        recipient: str | None = None,
    ) -> None: ...

    async def whatsapp_window(self, chat_id: str, outbox_id: int | None = None) -> Window: ...


class FeedStore(Protocol):
    """What the incentive feed needs: finding participants and changing their benefit items."""

    async def participant_by_id(self, participant_id: int) -> Participant | None: ...

    async def participant_by_ref(self, ref_code: str) -> int | None: ...

    async def participants_by_phone(self, phone: str) -> list[int]: ...

    async def benefit_items(self, participant_id: int, specs: Sequence[Item]) -> list[Item]: ...

    async def change_benefit_item(
        self,
        participant_id: int,
        item: Item,
        source: Source,
        now: datetime,
        pushes: Sequence[Push] = (),
        *,
        expect: Item | None = None,
    ) -> bool: ...
