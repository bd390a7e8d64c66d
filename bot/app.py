"""Builds the bot's parts from settings and opens and closes them in one place."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.engine import Engine
from bot.i18n import LOCALES
from bot.nlu import classifier
from bot.program import Program, load_program
from bot.storage import Store, open_store

log = logging.getLogger(__name__)


@dataclass
class App:
    """Everything a channel needs, built once."""

    settings: Settings
    clock: Clock
    program: Program
    store: Store
    engine: Engine


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock) -> AsyncIterator[App]:
    """Loads the program file and the NLU models, opens the store, builds the engine; closes."""
    program = load_program(settings.prakerja_program_file)
    for locale in LOCALES:
        classifier(locale)  # build the free-text models now: fail fast, no slow first reply
    store = await open_store(settings.database_url)
    try:
        engine = Engine(
            store,
            program,
            clock,
            default_locale=settings.prakerja_locale,
            default_timezone=settings.prakerja_timezone,
        )
        yield App(settings=settings, clock=clock, program=program, store=store, engine=engine)
    finally:
        await store.close()
        log.info("store closed")
