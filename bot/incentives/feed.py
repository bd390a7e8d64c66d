"""The operator's status feed, shared by `import-status` (CSV) and `POST /admin/status` (JSON):
reading one update, finding its participant by phone or reference code, applying it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from bot.core.benefits import STATUS_ALIASES, Reason, Source, Status
from bot.core.domain import Participant
from bot.core.phones import normalise_phone
from bot.core.program import Program
from bot.core.safety import scan
from bot.incentives.tracker import item_specs, pushes
from bot.storage.base import Store

log = logging.getLogger(__name__)

COLUMNS = ("phone", "ref", "item", "status", "date", "reason", "note", "partner")
REQUIRED = ("item", "status")
_MAX_NOTE = 300


class RowError(ValueError):
    """Why one update cannot be used (the message is shown to the operator)."""


class FeedStore(Store, Protocol):
    """What the feed needs from the store beyond `Store`: finding participants."""

    async def participants_by_phone(self, phone: str) -> list[int]: ...

    async def participant_by_ref(self, ref_code: str) -> int | None: ...

    async def participant_by_id(self, participant_id: int) -> Participant | None: ...


@dataclass(frozen=True)
class StatusUpdate:
    """One operator row: who, which item, and its new state."""

    phone: str | None
    ref: str | None
    item: str
    status: Status
    status_on: date | None
    partner: str | None
    reason: str | None
    note: str | None


def _text(fields: Mapping[str, object], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise RowError(f"{name} must be text")
    text = str(value).strip()
    return text or None


def _partner(program: Program, text: str | None) -> str | None:
    if text is None:
        return None
    for partner in program.partners:
        if text.lower() in (partner.id, partner.name.lower()):
            return partner.name
    known = ", ".join(p.name for p in program.partners)
    # The text is not echoed: an operator may have put an account number there by mistake.
    raise RowError(f"unknown partner (use one of: {known}; never an account number)")


def parse_update(fields: Mapping[str, object], program: Program) -> StatusUpdate:
    """A validated update from one CSV row or JSON object; RowError says what is wrong."""
    raw_phone, ref = _text(fields, "phone"), _text(fields, "ref")
    if raw_phone is None and ref is None:
        raise RowError("needs a phone or a ref")
    phone = normalise_phone(raw_phone) if raw_phone else None
    if raw_phone and phone is None:
        raise RowError(f"not a valid phone number: {raw_phone!r}")
    item = (_text(fields, "item") or "").lower()
    if not item:
        raise RowError("item is empty")
    status_text = (_text(fields, "status") or "").lower()
    if status_text not in STATUS_ALIASES:
        raise RowError(f"unknown status {status_text!r} (use {', '.join(s for s in Status)})")
    status = STATUS_ALIASES[status_text]
    day_text = _text(fields, "date")
    try:
        day = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        raise RowError(f"date must be YYYY-MM-DD, got {day_text!r}") from None
    reason = (_text(fields, "reason") or "").lower() or None
    note = _text(fields, "note")
    if reason is not None and reason not in {r.value for r in Reason}:
        note, reason = note or reason, None  # free text: kept as the note
    if note is not None and len(note) > _MAX_NOTE:
        raise RowError(f"note is longer than {_MAX_NOTE} characters")
    if note is not None and (secret := scan(note).secret) is not None:
        # Notes are shown to the participant word for word: never an OTP, NIK or account.
        raise RowError(f"note contains what looks like a {secret.value} number; remove it")
    partner = _partner(program, _text(fields, "partner"))
    if status == Status.PAID and (day is None or partner is None):
        raise RowError("status paid needs a date and a partner")
    if status == Status.FAILED and reason is None and note is None:
        raise RowError("status failed needs a reason or a note")
    return StatusUpdate(phone, ref, item, status, day, partner, reason, note)


class Result(StrEnum):
    APPLIED = "applied"
    UNCHANGED = "unchanged"
    UNMATCHED = "unmatched"


@dataclass
class Summary:
    applied: int = 0
    unchanged: int = 0
    unmatched: int = 0
    bad: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, result: Result, where: str) -> None:
        """Counts one row's result; an unmatched row is also listed (`where`: its line)."""
        setattr(self, result.value, getattr(self, result.value) + 1)
        if result == Result.UNMATCHED:
            self.errors.append(f"{where}: no participant has this phone or ref (unmatched)")

    def as_dict(self) -> dict[str, object]:
        return {
            "applied": self.applied,
            "unchanged": self.unchanged,
            "unmatched": self.unmatched,
            "bad": self.bad,
            "errors": self.errors,
        }


async def _matches(store: FeedStore, update: StatusUpdate) -> list[int]:
    if update.ref is not None:
        found = await store.participant_by_ref(update.ref.upper().strip())
        if found is None and not update.ref.upper().startswith("PK-"):
            found = await store.participant_by_ref("PK-" + update.ref.upper())
        if found is not None:
            return [found]
    if update.phone is not None:
        return await store.participants_by_phone(update.phone)
    return []


async def apply_update(
    store: FeedStore, program: Program, update: StatusUpdate, now: datetime
) -> Result:
    """Applies one update to every participant it matches (one person may be on two channels),
    each atomically with its pushed messages; RowError if the item is not in their scheme."""
    ids = await _matches(store, update)
    if not ids:
        return Result.UNMATCHED
    changed = False
    for pid in ids:
        participant = await store.participant_by_id(pid)
        if participant is None:
            continue
        scheme = program.schemes[participant.scheme or program.program.default_scheme]
        items = await store.benefit_items(pid, item_specs(scheme))
        before = next((i for i in items if i.key == update.item), None)
        if before is None:
            keys = ", ".join(i.key for i in items)
            raise RowError(f"item {update.item!r} is not in scheme {scheme.name} ({keys})")
        after = replace(
            before,
            status=update.status,
            status_on=update.status_on,
            partner=update.partner,
            reason=update.reason,
            note=update.note,
        )
        if before.same_state(after):
            continue
        sent = pushes(pid, before, after, items, program, scheme)
        if await store.change_benefit_item(pid, after, Source.OPERATOR, now, sent):
            changed = True
            log.info("participant %s: %s set to %s by operator", pid, after.key, after.status)
    return Result.APPLIED if changed else Result.UNCHANGED
