"""/hapus on both databases, table by table: every table that can name a participant is filled
through the store's own methods, the participant deleted, and then every table of the schema
is read whole: no row may still name them (their ids, their numbers, their words). A table
added later that is neither filled here nor listed as unable to name a participant fails."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.conversation.engine import Engine
from bot.core.benefits import Item, Push, Source, Status
from bot.core.clock import FakeClock
from bot.core.domain import Option, Participant
from bot.core.program import Program
from bot.incentives.tracker import item_specs
from bot.storage.base import Memory
from bot.storage.store import SqlStore
from handlers.router import route
from tests.conftest import onboard
from tests.db import rows, tables
from tests.helpers import Chat

NOW = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)
NUMBER = "6281122334455"  # their WhatsApp id, chat id and phone
REF = "PK-ZEBRA7"
WORD = "zebrakuda"  # in everything they wrote

# Tables no row of which names a participant, and why.
CANNOT_NAME = {
    "schema_version": "migrations applied",
    "instances": "running bot instances",
    "operators": "console accounts",
    "console_sessions": "operators' sessions",
    "login_failures": "operators' failed logins",
    "login_throttle": "failed logins per name and address",
    "saved_replies": "operators' canned answers",
    "broadcasts": "a broadcast's text and segment (its rows are in outbox)",
    "kb_versions": "knowledge base reloads",
    "kb_examples": "examples operators wrote for an entry (the source message link is cleared)",
    "media_messages": "counts of unreadable messages, by kind and time only",
    "import_runs": "an operator's CSV dry run, kept an hour (bot/console/imports.py)",
    "funnel_counts": "+1/-1 per wave, scheme, step and deadline: counts, no participant",
}
# A column `<name>_id` points at the rows of this table.
POINTS_AT = {
    "participant": "participants",
    "outbox": "outbox",
    "handoff": "handoffs",
    "unknown": "unknown_messages",
}


def _person(user: str, ref: str) -> Participant:
    return Participant(
        channel="whatsapp",
        user_id=user,
        chat_id=user,
        locale="id",
        timezone="Asia/Jakarta",
        ref_code=ref,
        created_at=NOW,
        phone=f"+{user}",
        progress={"registered": NOW},
    )


async def fill(store: SqlStore, user: str, ref: str, word: str, specs: list[Item]) -> Participant:
    """Every table that can name the participant gets rows of theirs, through the store."""
    p = await store.save_participant(_person(user, ref))
    assert p.id is not None
    pid = p.id
    await store.enqueue(pid, "reminder", NOW + timedelta(days=1), {"n": 1}, f"r:{pid}", now=NOW)
    paid = replace(specs[1], status=Status.PAID, status_on=date(2021, 12, 1), note=word)
    await store.benefit_items(pid, specs)
    assert await store.change_benefit_item(
        pid, paid, Source.OPERATOR, NOW, [Push({"topic": "status"}, f"push:{pid}")]
    )
    claimed = await store.claim_due(
        NOW + timedelta(days=2), NOW + timedelta(days=3), ["whatsapp"], 9
    )
    row = next(r for r in claimed if r.participant_id == pid)
    await store.whatsapp_record_sent([f"wamid.out.{user}"], row.id, NOW, recipient=user)
    await store.whatsapp_record_sent([f"wamid.reply.{user}"], None, NOW, recipient=user)
    await store.whatsapp_claim_inbound(f"wamid.in.{user}", NOW, user)
    await store.claim_status(f"wamid.out.{user}", "delivered", NOW, user, NOW)
    await store.claim_update("whatsapp", f"update-{user}", user, NOW)
    await store.save_memory(pid, Memory("topic", "question", NOW, data={"said": word}))
    await store.record_unknown(pid, f"apa itu {word}", [("menu", 0.2)], "menu", NOW)
    await store.save_shown_options("whatsapp", user, [Option("kb:x", f"soal {word}")], NOW)
    handoff = await store.open_handoff(pid, "asked", NOW)
    await store.add_handoff_message(handoff, f"tolong {word}", NOW)
    await store.add_note(handoff, "ani", f"note on {word}", NOW)
    await store.record_consent(pid, "v1", NOW)
    await store.ask_feedback(pid, "kb:x", f"jawab {word}", NOW)
    await store.vote_feedback(pid, "kb:x", False, NOW)
    await store.ask_feedback(pid, "kb:y", f"lagi {word}", NOW)
    await store.record_flagged(pid, f"link {word}", ["link"], False, NOW)
    await store.audit("ani", "handoff.reply", NOW, {"handoff": handoff}, participant_id=pid)
    return p


def names(row: dict[str, object], p: Participant, ids: dict[str, set[object]]) -> list[str]:
    """Why this row names the participant (empty: it does not)."""
    found = []
    for column, value in row.items():
        if isinstance(value, str) and any(
            mark in value.lower() for mark in (NUMBER, REF.lower(), WORD)
        ):
            found.append(f"{column}={value!r}")
        target = column[:-3] if column.endswith("_id") else None
        if target in POINTS_AT and value in ids[POINTS_AT[target]]:
            found.append(f"{column}={value!r}")
    return found


@pytest.fixture
def specs(program: Program) -> list[Item]:
    return item_specs(program.schemes["2021"])


async def test_deleting_a_participant_leaves_no_row_naming_them(
    store: SqlStore, specs: list[Item]
) -> None:
    p = await fill(store, NUMBER, REF, WORD, specs)
    other = await fill(store, "6289900000001", "PK-OTHER1", "gajahbiru", specs)
    everything = await tables(store)
    assert set(CANNOT_NAME) <= set(everything), "a table listed here no longer exists"
    ids: dict[str, set[object]] = {"participants": {p.id}}
    for table in ("outbox", "handoffs", "unknown_messages"):
        ids[table] = {r["id"] for r in await rows(store, table) if r["participant_id"] == p.id}
    for table in everything:
        if table in CANNOT_NAME:
            continue
        named = [r for r in await rows(store, table) if names(r, p, ids)]
        assert named, f"{table}: no row of the participant was written (fill it, or list why not)"

    assert p.id is not None
    async with store.participant_lock("whatsapp", NUMBER):  # as /hapus runs: in its lock
        await store.delete_participant(p.id)

    left = {
        table: why
        for table in everything
        for r in await rows(store, table)
        if (why := names(r, p, ids))
    }
    assert left == {}
    assert await store.get_participant("whatsapp", NUMBER) is None
    kept = await store.get_participant("whatsapp", other.user_id)  # nobody else's rows
    assert kept is not None and kept.progress == other.progress
    for table in everything:  # what named the other participant still does
        if table not in CANNOT_NAME:
            assert any(
                "gajahbiru" in str(r) or "6289900000001" in str(r) or other.id in r.values()
                for r in await rows(store, table)
            ), table


async def test_a_deletion_that_cannot_be_committed_is_not_reported_done(
    store: SqlStore, specs: list[Item], program: Program, clock: FakeClock
) -> None:
    """The old PostgreSQL failure: a statement of the deletion's transaction fails and its
    error is caught (SQLite's PRAGMA, once), the transaction rolls back at its end, and the
    participant was told "Semua datamu sudah dihapus". Either the rows are gone and they are
    told so, or nothing is gone and they are not told it is."""
    engine = Engine(store, program, clock, route)
    chat = Chat(engine, clock)
    await onboard(chat)
    checkpoint = store.checkpoint

    async def failing_checkpoint() -> None:
        with contextlib.suppress(Exception):
            await store.db.fetchall("SELECT no_such_column FROM participants")
        await checkpoint()

    store.checkpoint = failing_checkpoint  # type: ignore[method-assign]
    await chat.send("/hapus")
    await chat.press("delete:yes")
    kept = await store.get_participant("test", "u1")
    if "sudah dihapus" in chat.text:
        assert kept is None
    else:
        assert kept is not None and "gangguan" in chat.text
