"""The benefit items and their history (SQL); each change is applied atomically with the
outbox rows it earns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from bot.core.benefits import Item, Push, Source, Status
from bot.storage.outbox import OutboxMixin
from bot.storage.sql_base import ts


def _item(row: aiosqlite.Row) -> Item:
    return Item(
        key=row["item_key"],
        kind=row["kind"],
        index=row["item_index"],
        amount=row["amount"],
        status=Status(row["status"]),
        status_on=date.fromisoformat(row["status_on"]) if row["status_on"] else None,
        partner=row["partner"],
        reason=row["reason"],
        note=row["note"],
    )


class IncentivesMixin(OutboxMixin):
    """Benefit tracker operations of the SQL store (either database)."""

    async def benefit_items(self, participant_id: int, specs: Sequence[Item]) -> list[Item]:
        """The participant's items in the scheme's order, creating missing ones from `specs`."""
        stored = {
            row["item_key"]: _item(row)
            for row in await self.db.fetchall(
                "SELECT * FROM benefit_items WHERE participant_id = ?", (participant_id,)
            )
        }
        return [stored.get(spec.key, spec) for spec in specs]

    async def benefit_history(self, participant_id: int) -> list[tuple[str, str, str]]:
        """(item, status, source) of every change, oldest first."""
        return [
            (r["item_key"], r["status"], r["source"])
            for r in await self.db.fetchall(
                "SELECT item_key, status, source FROM benefit_history WHERE participant_id = ?"
                " ORDER BY id",
                (participant_id,),
            )
        ]

    async def change_benefit_item(
        self,
        participant_id: int,
        item: Item,
        source: Source,
        now: datetime,
        pushes: Sequence[Push] = (),
        *,
        expect: Item | None = None,
    ) -> bool:
        """Stores the item's new state, its history row and its outbox rows in one transaction;
        False (nothing written) when the stored state is already the same, or when `expect` is
        given and the stored state is no longer that (someone else changed it meanwhile)."""
        async with self.transaction():
            row = await self.db.fetchone(
                "SELECT * FROM benefit_items WHERE participant_id = ? AND item_key = ?",
                (participant_id, item.key),
            )
            if row is not None and _item(row).same_state(item):
                return False
            if expect is not None and not (_item(row) if row else expect).same_state(expect):
                return False
            day = item.status_on.isoformat() if item.status_on else None
            state = (item.status.value, day, item.partner, item.reason, item.note)
            await self.db.execute(
                "INSERT INTO benefit_items (participant_id, item_key, kind, item_index, amount,"
                " status, status_on, partner, reason, note, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (participant_id, item_key) DO UPDATE SET status = excluded.status,"
                " status_on = excluded.status_on, partner = excluded.partner,"
                " reason = excluded.reason, note = excluded.note,"
                " updated_at = excluded.updated_at",
                (participant_id, item.key, item.kind, item.index, item.amount, *state, ts(now)),
            )
            await self.db.execute(
                "INSERT INTO benefit_history (participant_id, item_key, status, status_on,"
                " partner, reason, note, source, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (participant_id, item.key, *state, source.value, ts(now)),
            )
            for push in pushes:
                await self.enqueue(
                    participant_id, "incentive", now, push.payload, push.key, now=now
                )
        return True

    async def participants_by_phone(self, phone: str) -> list[int]:
        """Ids of the participants with that E.164 phone number (one person may use two
        channels)."""
        return [
            row["id"]
            for row in await self.db.fetchall(
                "SELECT id FROM participants WHERE phone = ? ORDER BY id", (phone,)
            )
        ]

    async def participant_by_ref(self, ref_code: str) -> int | None:
        row = await self.db.fetchone(
            "SELECT id FROM participants WHERE ref_code = ?", (ref_code.strip().upper(),)
        )
        return None if row is None else int(row["id"])
