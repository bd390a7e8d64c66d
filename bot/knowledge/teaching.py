"""Teaching the knowledge base without a deploy. An operator attaches a message the bot did not
understand to an entry (the console's not-understood page; stored redacted in the store) and
asks for a reload: that is a new version in the store. Every instance checks the version every
few seconds; on a newer one it retrains its models with the shipped examples plus the stored
ones up to that version, in a worker thread, and swaps them in when ready (posts meanwhile are
answered by the models it had). `prakerja-bot unknown --export` writes the stored examples as
lines for the data files."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.core.program import Program
from bot.knowledge import KnowledgeBase, Retriever, bases, install
from bot.knowledge.entries import LOCALES
from bot.storage.learning import KbVersion, TaughtExample

log = logging.getLogger(__name__)

CHECK_EVERY = 10.0  # seconds between two looks at the store's version


class TaughtStore(Protocol):
    async def kb_version(self) -> KbVersion | None: ...
    async def taught_examples(self, upto: int | None = None) -> list[TaughtExample]: ...


def with_examples(kb: KnowledgeBase, examples: Iterable[tuple[str, str]]) -> KnowledgeBase:
    """The entries with the taught (entry id, text) examples added; an example of an entry
    that is gone, or one the entry already has, is left out."""
    extra: dict[str, list[str]] = {}
    for entry_id, text in examples:
        entry = kb.get(entry_id)
        if (
            entry is not None
            and text not in entry.examples
            and text not in extra.get(entry_id, [])
        ):
            extra.setdefault(entry_id, []).append(text)
    entries = tuple(
        e.model_copy(update={"examples": (*e.examples, *extra[e.id])}) if e.id in extra else e
        for e in kb.entries
    )
    return replace(kb, entries=entries)


def train(program: Program, examples: Sequence[TaughtExample]) -> dict[str, Retriever]:
    """Each locale's model trained on its entries' examples plus the taught ones."""
    found = bases(program)
    models: dict[str, Retriever] = {}
    for locale in LOCALES:
        kb = found.get(locale)
        if kb is None or not kb.entries:
            continue
        taught = [(e.entry_id, e.text) for e in examples if e.locale == locale]
        models[locale] = Retriever(with_examples(kb, taught))
    return models


@dataclass
class Taught:
    """What this process's models have learned: the version and how many examples."""

    version: int = 0
    examples: int = 0
    training: bool = False
    seconds: float = 0.0  # how long the last retraining took
    failed: int = 0  # a version whose retraining failed (tried again only after a newer one)


class Teacher:
    """Keeps this process's models at the store's newest version (see the module docstring)."""

    def __init__(self, store: TaughtStore, program: Program, every: float = CHECK_EVERY) -> None:
        self.store = store
        self.program = program
        self.every = every
        self.state = Taught()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    async def refresh(self) -> bool:
        """Retrains and swaps the models if the store has a newer version; True if it did."""
        async with self._lock:
            version = await self.store.kb_version()
            if version is None or version.version in (self.state.version, self.state.failed):
                return False
            examples = await self.store.taught_examples(upto=version.upto)
            self.state.training = True
            started = time.perf_counter()
            try:
                models = await asyncio.to_thread(train, self.program, examples)
            except Exception:
                self.state.failed = version.version
                raise
            finally:
                self.state.training = False
            for locale, model in models.items():
                install(locale, model)
            self.state = Taught(
                version.version, len(examples), seconds=time.perf_counter() - started
            )
            log.info(
                "knowledge base version %s: %s taught examples (%.1fs)",
                version.version,
                len(examples),
                self.state.seconds,
            )
            return True

    def nudge(self) -> None:
        """Looks at the version now rather than at the next check (after a reload here)."""
        self._wake.set()

    async def start(self) -> None:
        """Learns the stored version before the first post, then keeps checking."""
        try:
            await self.refresh()
        except Exception:  # the shipped models answer meanwhile; the next check tries again
            log.exception("could not retrain the knowledge base's models at start")
        self._task = asyncio.create_task(self._watch())
        _RUNNING[:] = [self]

    async def _watch(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.every)
            self._wake.clear()
            try:
                await self.refresh()
            except Exception:
                log.exception("could not retrain the knowledge base's models")

    async def stop(self) -> None:
        if _RUNNING and _RUNNING[0] is self:
            _RUNNING.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


_RUNNING: list[Teacher] = []


def running() -> Teacher | None:
    """This process's teacher (the console shows its state and nudges it after a reload)."""
    return _RUNNING[0] if _RUNNING else None
