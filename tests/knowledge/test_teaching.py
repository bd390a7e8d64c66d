"""Teaching without a deploy: an example an operator attached to an entry changes the next
answer once the models are reloaded (through the engine), every instance picks the version
up by itself, and the models in use meanwhile keep answering."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot import knowledge
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.core.safety import keepable
from bot.knowledge import teaching
from bot.knowledge.entries import LOCALES
from bot.knowledge.teaching import Teacher, with_examples
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat

ASKED = "lur akunku kena ban, piye carane ben iso mlebu maneh"  # Javanese: nothing near
AGAIN = "akunku kena ban lur, piye carane iso mlebu maneh"  # worded a little differently
_NOW = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)
BLOCKED = "Akun yang dinonaktifkan hanya bisa ditinjau oleh Prakerja"


@pytest.fixture(autouse=True)
def _models_restored(program: Program) -> Iterator[None]:
    """The models as they were before the test (a retrained one must not leak)."""
    before = {locale: knowledge.retriever(program, locale) for locale in LOCALES}
    yield
    for locale, model in before.items():
        if model is not None:
            knowledge.install(locale, model)


async def test_an_operators_example_changes_the_next_answer(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.send(ASKED)
    assert BLOCKED not in chat.text and "intent:human" in chat.option_ids  # not understood
    (kept,) = await store.list_unknown(5)
    await store.attach_example("id", "akun-diblokir", kept.text, "ana", clock.now(), kept.id)
    teacher = Teacher(store, program)
    assert not await teacher.refresh()  # attached, not reloaded: nothing changes yet
    await chat.send(AGAIN)
    assert BLOCKED not in chat.text
    version = await store.request_kb_version("ana", clock.now())
    assert await teacher.refresh()
    assert (teacher.state.version, teacher.state.examples) == (version.version, 1)
    clock.advance(timedelta(minutes=30))
    await chat.send(AGAIN)
    assert BLOCKED in chat.text  # the entry's answer now
    assert not await teacher.refresh()  # the same version: no retraining


async def test_every_instance_picks_the_version_up(store: SqlStore, program: Program) -> None:
    other = Teacher(store, program, every=0.05)  # another instance on the same database
    await other.start()
    try:
        assert other.state.version == 0
        await store.attach_example("id", "akun-diblokir", keepable(ASKED), "ana", _NOW)
        version = await store.request_kb_version("ana", _NOW)
        for _ in range(200):
            if other.state.version == version.version:
                break
            await asyncio.sleep(0.05)
        assert other.state.version == version.version and other.state.examples == 1
        found = knowledge.retriever(program, "id")
        assert found is not None and found.search(AGAIN).best == "akun-diblokir"
    finally:
        await other.stop()


def test_examples_join_their_entry_once_and_gone_entries_are_skipped(program: Program) -> None:
    kb = knowledge.bases(program)["id"]
    entry = kb.entries[0]
    taught = with_examples(
        kb, [(entry.id, "contoh baru"), (entry.id, "contoh baru"), ("hilang", "x")]
    )
    changed = taught.get(entry.id)
    assert changed is not None and changed.examples == (*entry.examples, "contoh baru")
    assert [e.id for e in taught.entries] == [e.id for e in kb.entries]
    assert kb.get(entry.id) == entry  # the loaded knowledge base is left as it was


async def test_a_failed_retraining_keeps_the_models_and_waits_for_a_newer_version(
    store: SqlStore, program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_use = knowledge.retriever(program, "id")
    calls: list[int] = []

    def broken(program: Program, examples: object) -> dict[str, object]:
        calls.append(1)
        raise MemoryError("no room to train")

    monkeypatch.setattr(teaching, "train", broken)
    teacher = Teacher(store, program)
    await store.request_kb_version("ana", _NOW)
    with pytest.raises(MemoryError):
        await teacher.refresh()
    assert not await teacher.refresh()  # the same version is not tried again and again
    assert calls == [1] and teacher.state.failed == 1 and not teacher.state.training
    assert knowledge.retriever(program, "id") is in_use  # still answering with the old one
    await store.request_kb_version("ana", _NOW)
    with pytest.raises(MemoryError):
        await teacher.refresh()  # a newer version is tried
    assert calls == [1, 1]
