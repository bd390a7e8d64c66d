"""Participants for the operator-feed tests: onboarded through the engine, with a phone."""

from __future__ import annotations

from bot.conversation.engine import Engine
from bot.storage.store import SqlStore
from tests.helpers import make_text


async def participant(engine: Engine, store: SqlStore, user: str, phone: str | None) -> str:
    """Onboards `user` (wave 22, WIB), stores the phone and returns the reference code."""
    for text in ("/start", "22", "WIB"):
        await engine.handle(make_text(text, user, engine.clock.now()))
    found = await store.get_participant("test", user)
    assert found is not None
    found.phone = phone
    await store.save_participant(found)
    return found.ref_code


async def outbox(store: SqlStore) -> list[tuple[int, str, str]]:
    """(participant id, kind, idempotency key) of every outbox row."""
    return [
        (r[0], r[1], r[2])
        for r in await store.db.fetchall(
            "SELECT participant_id, kind, idempotency_key FROM outbox ORDER BY id"
        )
    ]
