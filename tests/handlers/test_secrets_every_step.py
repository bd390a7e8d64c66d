"""Every secret of the corpus (tests/data/secrets_corpus.tsv), sent at every step a participant
can be in: warned about by name, never repeated, never kept (handoff messages, messages kept
for the operator, the conversation's memory, the logs); and no message without one warned."""

from __future__ import annotations

import logging

import pytest

from bot.core.domain import Step
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat
from tests.secrets_corpus import HARMLESS, SECRETS

# Each step and how a participant gets there (an open handoff for HANDOFF).
STEPS = (
    Step.ASK_WAVE,
    Step.ASK_TIMEZONE,
    Step.MENU,
    Step.HANDOFF,
    Step.CONFIRM_PURCHASE,
    Step.CONFIRM_DELETE,
)


async def _put(store: SqlStore, chat: Chat, step: Step) -> None:
    participant = await store.get_participant("test", chat.user)
    assert participant is not None and participant.id is not None
    participant.step = step
    await store.save_participant(participant)
    if step == Step.HANDOFF and await store.current_handoff(participant.id) is None:
        await store.open_handoff(participant.id, "human", chat.clock.now())


async def _kept(store: SqlStore) -> str:
    """Every text the bot keeps about a conversation."""
    rows = [
        *await store.db.fetchall("SELECT text FROM handoff_messages"),
        *await store.db.fetchall("SELECT text FROM unknown_messages"),
        *await store.db.fetchall("SELECT data || COALESCE(question, '') FROM conversation_memory"),
    ]
    return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize("step", STEPS)
async def test_every_secret_at_every_step(
    chat: Chat,
    store: SqlStore,
    caplog: pytest.LogCaptureFixture,
    step: Step,
) -> None:
    caplog.set_level(logging.DEBUG)
    await onboard(chat)
    for line in SECRETS:
        await _put(store, chat, step)
        replies = await chat.send(line.text)
        warning = replies[0].text
        assert warning.startswith("⚠️"), line.text
        names = line.names_en if warning.startswith("⚠️ You sent") else line.names
        for name in names:
            assert name in warning, (line.text, warning)
        said = "\n".join([r.text for r in replies] + [o.label for r in replies for o in r.options])
        for value in line.values:
            assert value not in said, (line.text, said)
    if step == Step.HANDOFF:  # the person was given each message, redacted
        handoff_id = await store.current_handoff(1)
        assert handoff_id is not None
    kept = await _kept(store)
    for line in SECRETS:
        for value in line.values:
            assert value not in kept, line.text
            if len(value) >= 5:  # (a 3-digit CVV may be part of a memory address there)
                assert value not in caplog.text, line.text
    if step == Step.HANDOFF:
        assert kept.count("▒") >= len(SECRETS)


async def test_no_warning_without_a_secret(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    for line in HARMLESS:
        await _put(store, chat, Step.MENU)
        replies = await chat.send(line.text)
        assert not any(r.text.startswith("⚠️") for r in replies), line.text
