"""A busy database never costs an inbound message: it is waited for and handled again."""

from __future__ import annotations

from typing import Any

import pytest

from bot.conversation.engine import Engine
from bot.core.domain import Participant
from bot.storage import retry
from bot.storage.base import StoreBusy
from bot.storage.store import SqlStore
from tests.helpers import make_text


async def test_a_busy_save_is_retried_and_the_state_kept(
    engine: Engine, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.save_participant
    failures = iter([True, True, False])

    async def flaky(participant: Participant, *args: Any) -> Participant:
        if next(failures, False):
            raise StoreBusy("database is locked")
        return await real(participant, *args)

    monkeypatch.setattr(store, "save_participant", flaky)
    replies = await engine.handle(make_text("/start", "busy-1"))
    assert replies and "gelombang" in " ".join(r.text for r in replies)
    assert await store.get_participant("test", "busy-1") is not None


async def test_still_busy_after_every_attempt_raises_for_the_channel_to_retry(
    engine: Engine, store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def busy(participant: Participant, *args: Any) -> Participant:
        raise StoreBusy("database is locked")

    monkeypatch.setattr(store, "save_participant", busy)
    with pytest.raises(StoreBusy):
        await retry.retry_busy(lambda: engine._handle_once(make_text("hi", "b2")), first_delay=0)
