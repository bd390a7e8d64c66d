"""WhatsApp bookkeeping (SQL): processed inbound ids, sent message ids and their statuses, the
24-hour window, and what a failed delivery does to its outbox row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.sql_base import SqlBase, from_ts, ts

CHANNEL = "whatsapp"
TEMPLATE_FLAG = "_whatsapp_template"  # set in an outbox row's payload: send it as a template

_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


@dataclass(frozen=True)
class Window:
    """What decides between a session message and a template for one send."""

    last_inbound_at: datetime | None
    force_template: bool = False


@dataclass(frozen=True)
class SentStatus:
    """The latest delivery status of one message the bot sent."""

    wamid: str
    outbox_id: int | None
    status: str
    error_code: int | None
    error_title: str | None


class WhatsAppMixin(SqlBase):
    """WhatsApp operations of the SQL store (either database)."""

    async def whatsapp_claim_inbound(
        self, wamid: str, now: datetime, user_id: str | None = None
    ) -> bool:
        """Records an inbound message id (and whose it is, for /hapus); False if it was
        already processed (a retry)."""
        async with self.transaction():
            claimed = (
                await self.db.fetchone(
                    "INSERT INTO whatsapp_inbound (wamid, received_at, user_id) VALUES (?, ?, ?)"
                    " ON CONFLICT (wamid) DO NOTHING RETURNING wamid",
                    (wamid, ts(now), user_id),
                )
                is not None
            )
        return claimed

    async def whatsapp_prune_inbound(self, before: datetime) -> int:
        """Forgets processed inbound ids older than `before` (Meta stops retrying long before)."""
        async with self.transaction():
            changed = await self.db.execute(
                "DELETE FROM whatsapp_inbound WHERE received_at < ?", (ts(before),)
            )
        return changed

    async def whatsapp_record_sent(
        self,
        wamids: Sequence[str],
        outbox_id: int | None,
        now: datetime,
        recipient: str | None = None,
    ) -> None:
        """Remembers which outbox row (if any) and recipient each sent message id belongs to."""
        async with self.transaction():
            # One execute per id (usually one to three): aiosqlite's executemany interleaved with
            # other tasks' commits raised "bad parameter or other API misuse" under load.
            for wamid in wamids:
                await self.db.execute(
                    "INSERT INTO whatsapp_sent (wamid, outbox_id, sent_at, updated_at, user_id)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (wamid) DO NOTHING",
                    (wamid, outbox_id, ts(now), ts(now), recipient),
                )

    async def whatsapp_outbox_recipients(self, since: datetime) -> list[tuple[str, datetime]]:
        """Each person the outbox sent to since `since`, with the latest send: what counts
        against WhatsApp's daily limit after a restart (a session message counts too: safe)."""
        rows = await self.db.fetchall(
            "SELECT user_id, MAX(sent_at) FROM whatsapp_sent WHERE outbox_id IS NOT NULL"
            " AND user_id IS NOT NULL AND sent_at >= ? GROUP BY user_id",
            (ts(since),),
        )
        found: list[tuple[str, datetime]] = []
        for user_id, sent_at in rows:
            at = from_ts(sent_at)
            if at is not None:
                found.append((str(user_id), at))
        return found

    async def whatsapp_record_status(
        self,
        wamid: str,
        status: str,
        now: datetime,
        error_code: int | None = None,
        error_title: str | None = None,
    ) -> SentStatus | None:
        """Moves a sent message's status forward (statuses may arrive out of order; `failed`
        always wins); returns the message's row, or None for an id the bot never recorded."""
        async with self.transaction():
            if status not in _RANK:
                return None
            await self.db.execute(
                "UPDATE whatsapp_sent SET status = ?, error_code = ?, error_title = ?,"
                " updated_at = ? WHERE wamid = ? AND (? = 'failed' OR"
                " CASE status WHEN 'accepted' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2"
                " WHEN 'read' THEN 3 ELSE 4 END < ?)",
                (status, error_code, error_title, ts(now), wamid, status, _RANK[status]),
            )
        row = await self.db.fetchone(
            "SELECT wamid, outbox_id, status, error_code, error_title FROM whatsapp_sent"
            " WHERE wamid = ?",
            (wamid,),
        )
        if row is None:
            return None
        return SentStatus(row[0], row[1], row[2], row[3], row[4])

    async def whatsapp_statuses(self, outbox_id: int) -> list[SentStatus]:
        """Every message sent for an outbox row, with its latest status."""
        return [
            SentStatus(r[0], r[1], r[2], r[3], r[4])
            for r in await self.db.fetchall(
                "SELECT wamid, outbox_id, status, error_code, error_title FROM whatsapp_sent"
                " WHERE outbox_id = ? ORDER BY sent_at, wamid",
                (outbox_id,),
            )
        ]

    async def whatsapp_window(self, chat_id: str, outbox_id: int | None = None) -> Window:
        """The participant's last inbound message time, and whether the row must be a template."""
        if outbox_id is not None:
            row = await self.db.fetchone(
                f"SELECT p.last_inbound_at, {self._json_flag('o.payload', TEMPLATE_FLAG)}"
                " FROM outbox o JOIN participants p ON p.id = o.participant_id WHERE o.id = ?",
                (outbox_id,),
            )
            if row is not None:
                return Window(from_ts(row[0]), bool(row[1]))
        row = await self.db.fetchone(
            "SELECT last_inbound_at FROM participants WHERE channel = ? AND chat_id = ?"
            " ORDER BY last_inbound_at DESC LIMIT 1",
            (CHANNEL, chat_id),
        )
        return Window(from_ts(row[0]) if row else None)

    async def whatsapp_requeue(
        self,
        outbox_id: int,
        due_at: datetime,
        error: str,
        *,
        as_template: bool = False,
        max_attempts: int = 5,
    ) -> str:
        """Sends a row that WhatsApp failed after accepting it once more at `due_at` (as a
        template when the window had closed). A row that already was a template, or that has
        been tried `max_attempts` times, fails instead.

        Returns "requeued", "failed", "sending" (the worker has not recorded the send yet:
        try again shortly) or the row's other state ("missing" if there is none)."""
        async with self.transaction():
            row = await self.db.fetchone(
                f"SELECT state, {self._json_flag('payload', TEMPLATE_FLAG)}, attempts FROM outbox"
                " WHERE id = ?",
                (outbox_id,),
            )
            if row is None:
                return "missing"
            state, was_template, attempts = str(row[0]), bool(row[1]), int(row[2])
            if state != "sent":
                return state
            if (as_template and was_template) or attempts + 1 >= max_attempts:
                await self.whatsapp_fail_row(outbox_id, error)
                return "failed"
            flagged = self.db.dialect.json_set_one("payload", TEMPLATE_FLAG)
            await self.db.execute(
                "UPDATE outbox SET state = 'pending', due_at = ?, last_error = ?,"
                " lease_until = NULL, attempts = attempts + 1,"
                f" payload = CASE WHEN ? = 1 THEN {flagged} ELSE payload END"
                " WHERE id = ? AND state = 'sent'",
                (ts(due_at), error, int(as_template), outbox_id),
            )
        return "requeued"

    async def whatsapp_fail_row(self, outbox_id: int, error: str) -> None:
        """Marks an outbox row failed: WhatsApp gave up on its message after accepting it."""
        async with self.transaction():
            await self.db.execute(
                "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?",
                (error, outbox_id),
            )

    async def whatsapp_mark_unreachable(self, chat_id: str, outbox_id: int | None = None) -> None:
        """Marks the participant undeliverable and cancels their pending rows."""
        async with self.transaction():
            args: tuple[object, ...]
            if outbox_id is not None:
                where, args = "id = (SELECT participant_id FROM outbox WHERE id = ?)", (outbox_id,)
            else:
                where, args = "channel = ? AND chat_id = ?", (CHANNEL, chat_id)
            ids = [
                r[0]
                for r in await self.db.fetchall(
                    f"UPDATE participants SET unreachable = 1 WHERE {where} RETURNING id", args
                )
            ]
            for pid in ids:
                await self.db.execute(
                    "UPDATE outbox SET state = 'cancelled', last_error = 'unreachable'"
                    " WHERE participant_id = ? AND state = 'pending'",
                    (pid,),
                )

    async def whatsapp_rekey(self, old_user_id: str, new_user_id: str) -> bool:
        """Moves a participant known by phone number to their business-scoped user id, unless
        someone already has that id. True if a participant was moved."""
        async with self.transaction():
            changed = await self.db.execute(
                "UPDATE participants SET user_id = ? WHERE channel = ? AND user_id = ?"
                " AND NOT EXISTS (SELECT 1 FROM participants WHERE channel = ? AND user_id = ?)",
                (new_user_id, CHANNEL, old_user_id, CHANNEL, new_user_id),
            )
        return changed == 1

    async def whatsapp_remember_phone(self, user_id: str, phone: str) -> None:
        """Keeps the participant's phone number (E.164) for the operator when WhatsApp gives it."""
        async with self.transaction():
            await self.db.execute(
                "UPDATE participants SET phone = ? WHERE channel = ? AND user_id = ?"
                " AND phone IS DISTINCT FROM ?",
                (phone, CHANNEL, user_id, phone),
            )

    async def whatsapp_resolve_user(self, wa_id: str) -> str | None:
        """The key of the participant a message from `wa_id` alone belongs to: a participant
        known by their business-scoped id whose number is this one (else None)."""
        rows = await self.db.fetchall(
            "SELECT user_id FROM participants WHERE channel = ? AND user_id = ?",
            (CHANNEL, wa_id),
        )
        if list(rows):
            return None
        rows = await self.db.fetchall(
            "SELECT user_id FROM participants WHERE channel = ? AND (phone = ? OR chat_id = ?)"
            " ORDER BY last_inbound_at DESC LIMIT 1",
            (CHANNEL, f"+{wa_id}", wa_id),
        )
        found = list(rows)
        return str(found[0][0]) if found else None

    async def whatsapp_change_number(
        self, old_ids: Sequence[str], new_wa_id: str | None, new_user_id: str | None
    ) -> int:
        """Moves the participant known by any of `old_ids` to the new number (and new
        business-scoped id): replies and pending reminders then go to the new number. Not if
        someone is already known by the new key. Returns how many participants moved."""
        moved = 0
        async with self.transaction():
            wanted = list(old_ids)
            marks = ", ".join("?" for _ in wanted)
            rows = await self.db.fetchall(
                f"SELECT id, user_id, chat_id FROM participants WHERE channel = ?"
                f" AND (user_id IN ({marks}) OR chat_id IN ({marks}))",
                (CHANNEL, *wanted, *wanted),
            )
            for pid, user_id, chat_id in [tuple(r) for r in rows]:
                by_number = str(user_id).isdigit()
                key = (new_wa_id if by_number else new_user_id) or str(user_id)
                if key != user_id:
                    taken = await self.db.fetchall(
                        "SELECT 1 FROM participants WHERE channel = ? AND user_id = ?",
                        (CHANNEL, key),
                    )
                    if list(taken):
                        continue
                await self.db.execute(
                    "UPDATE participants SET user_id = ?, chat_id = ?, phone = COALESCE(?, phone)"
                    " WHERE id = ?",
                    (
                        key,
                        new_wa_id or chat_id,
                        f"+{new_wa_id}" if new_wa_id and new_wa_id.isdigit() else None,
                        pid,
                    ),
                )
                moved += 1
        return moved

    async def whatsapp_known(self, wamid: str) -> bool:
        """True if `wamid` is the id of a message the bot recorded as sent."""
        rows = await self.db.fetchall("SELECT 1 FROM whatsapp_sent WHERE wamid = ?", (wamid,))
        return bool(list(rows))
