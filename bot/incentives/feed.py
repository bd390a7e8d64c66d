"""The operator's status feed, shared by `import-status` (CSV) and `POST /admin/status` (JSON):
reading one update, finding its participant by phone or reference code, applying it."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from bot.core.benefits import STATUS_ALIASES, Item, Reason, Source, Status
from bot.core.i18n import N_, Translator
from bot.core.phones import normalise_phone
from bot.core.program import Program, Scheme
from bot.core.safety import scan
from bot.incentives.tracker import item_specs, pushes
from bot.storage.roles import FeedStore

log = logging.getLogger(__name__)

COLUMNS = ("phone", "ref", "item", "status", "date", "reason", "note", "partner")
REQUIRED = ("item", "status")
_MAX_NOTE = 300


class Message(str):
    """An operator message: English as a str (the JSON API, logs), and its msgid with the
    values, so the CLI and the console can show it in the operator's language (`text`)."""

    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, **params: object) -> Message:
        made = super().__new__(cls, msgid.format(**params) if params else msgid)
        made.msgid = msgid
        made.params = params
        return made

    def text(self, t: Translator) -> str:
        if not self.params:
            return t._(self.msgid)
        values = {k: v.text(t) if isinstance(v, Message) else v for k, v in self.params.items()}
        return t._(self.msgid).format(**values)


def localized(text: str, t: Translator) -> str:
    """A Message in t's language; any other text as it is."""
    return text.text(t) if isinstance(text, Message) else text


def joined(parts: Sequence[str]) -> Message:
    """Messages joined with commas, each translated on its own."""
    return Message(
        ", ".join(f"{{p{i}}}" for i in range(len(parts))),
        **{f"p{i}": part for i, part in enumerate(parts)},
    )


def line_of(line: int) -> Message:
    return Message(N_("line {line}"), line=line)


class RowError(ValueError):
    """Why one update cannot be used (the message is shown to the operator)."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message if isinstance(message, Message) else Message(message, **params)
        super().__init__(str(self.message))


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
        raise RowError(N_("{name} must be text"), name=name)
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
    raise RowError(
        N_("unknown partner (use one of: {known}; never an account number)"), known=known
    )


def parse_update(fields: Mapping[str, object], program: Program) -> StatusUpdate:
    """A validated update from one CSV row or JSON object; RowError says what is wrong."""
    raw_phone, ref = _text(fields, "phone"), _text(fields, "ref")
    if raw_phone is None and ref is None:
        raise RowError(N_("needs a phone or a ref"))
    phone = normalise_phone(raw_phone) if raw_phone else None
    if raw_phone and phone is None:
        raise RowError(N_("not a valid phone number: {phone!r}"), phone=raw_phone)
    item = (_text(fields, "item") or "").lower()
    if not item:
        raise RowError(N_("item is empty"))
    status_text = (_text(fields, "status") or "").lower()
    if status_text not in STATUS_ALIASES:
        raise RowError(
            N_("unknown status {status!r} (use {allowed})"),
            status=status_text,
            allowed=", ".join(s for s in Status),
        )
    status = STATUS_ALIASES[status_text]
    day_text = _text(fields, "date")
    try:
        day = date.fromisoformat(day_text) if day_text else None
    except ValueError:
        raise RowError(N_("date must be YYYY-MM-DD, got {date!r}"), date=day_text) from None
    reason = (_text(fields, "reason") or "").lower() or None
    note = _text(fields, "note")
    if reason is not None and reason not in {r.value for r in Reason}:
        note, reason = note or reason, None  # free text: kept as the note
    if note is not None and len(note) > _MAX_NOTE:
        raise RowError(N_("note is longer than {n} characters"), n=_MAX_NOTE)
    if note is not None and (secret := scan(note).secret) is not None:
        # Notes are shown to the participant word for word: never an OTP, NIK or account.
        raise RowError(
            N_("note contains what looks like a {kind} number; remove it"), kind=secret.value
        )
    partner = _partner(program, _text(fields, "partner"))
    if status == Status.PAID and (day is None or partner is None):
        raise RowError(N_("status paid needs a date and a partner"))
    if status == Status.FAILED and reason is None and note is None:
        raise RowError(N_("status failed needs a reason or a note"))
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
            self.errors.append(
                Message(
                    N_("{where}: no participant has this phone or ref (unmatched)"), where=where
                )
            )

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


async def _targets(
    store: FeedStore, program: Program, update: StatusUpdate, ids: Sequence[int]
) -> list[tuple[int, Scheme, list[Item], Item]]:
    """(participant, scheme, items, the item the update names) for each matched participant;
    RowError if the item is not in a participant's scheme."""
    found = []
    for pid in ids:
        participant = await store.participant_by_id(pid)
        if participant is None:
            continue
        scheme = program.schemes[participant.scheme or program.program.default_scheme]
        items = await store.benefit_items(pid, item_specs(scheme))
        before = next((i for i in items if i.key == update.item), None)
        if before is None:
            keys = ", ".join(i.key for i in items)
            raise RowError(
                N_("item {item!r} is not in scheme {scheme} ({keys})"),
                item=update.item,
                scheme=scheme.name,
                keys=keys,
            )
        found.append((pid, scheme, items, before))
    return found


async def check_update(store: FeedStore, program: Program, update: StatusUpdate) -> None:
    """RowError if `update` could not be applied to a participant it matches (nothing written):
    a request is checked whole before any of it is applied."""
    await _targets(store, program, update, await _matches(store, update))


async def apply_update(
    store: FeedStore, program: Program, update: StatusUpdate, now: datetime
) -> Result:
    """Applies one update to every participant it matches (one person may be on two channels),
    each atomically with its pushed messages; RowError if the item is not in their scheme."""
    ids = await _matches(store, update)
    if not ids:
        return Result.UNMATCHED
    changed = False
    for pid, scheme, items, before in await _targets(store, program, update, ids):
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


def conflicting(updates: Sequence[tuple[str, StatusUpdate]]) -> dict[str, str]:
    """Rows of one file or request that give one item of one participant different states:
    {where: error}. None of them is applied (the operator must say which one holds); exact
    repeats are not conflicts (applied once, the rest unchanged)."""
    groups: dict[tuple[str, str], list[tuple[str, StatusUpdate]]] = {}
    for where, update in updates:
        who: str = (
            Message(N_("phone {phone}"), phone=update.phone)
            if update.phone
            else Message(N_("ref {ref}"), ref=update.ref)
        )
        groups.setdefault((who, update.item), []).append((where, update))
    errors: dict[str, str] = {}
    for (person, item), rows in groups.items():
        if len({update for _, update in rows}) > 1:
            places = joined([where for where, _ in rows])
            for where, _ in rows:
                errors[where] = Message(
                    N_("conflicts with the other rows for {item} of {who} ({places})"),
                    item=item,
                    who=person,
                    places=places,
                )
    return errors
