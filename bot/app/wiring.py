"""Builds the bot's parts from settings and opens and closes them in one place."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot import knowledge
from bot.conversation.consent import ConsentRecorder
from bot.conversation.engine import Engine
from bot.core.clock import Clock
from bot.core.cluster import Heartbeat, default_instance_id
from bot.core.config import Settings
from bot.core.i18n import LOCALES
from bot.core.outbound import Sender
from bot.core.program import Program, load_program
from bot.knowledge.teaching import Teacher
from bot.nlu import classifier
from bot.nlu.cues import cues
from bot.outbox.delivery import DeliveryWorker
from bot.outbox.jobs import OutboxScheduler
from bot.outbox.pacing import Pacer
from bot.outbox.planner import ReminderPlanner
from bot.outbox.policy import limits_from_settings, policy_from_settings
from bot.storage import open_store
from bot.storage.roles import AppStore
from bot.vision import Limits, Reader
from bot.vision import available as ocr_available
from handlers.notice_kinds import all_notices
from handlers.notices import NoticeRegistry
from handlers.router import route

log = logging.getLogger(__name__)


@dataclass
class App:
    """Everything a channel needs, built once."""

    settings: Settings
    clock: Clock
    program: Program
    store: AppStore
    engine: Engine
    planner: ReminderPlanner
    reader: Reader | None = None  # reads screenshots (None: OCR off or not installed)

    def outbox(
        self,
        senders: Mapping[str, Sender],
        chores: Sequence[Callable[[], Awaitable[object]]] = (),
        pacers: Mapping[str, Pacer] | None = None,
    ) -> OutboxScheduler:
        """The delivery and housekeeping jobs for these channels' senders (`await .start()`,
        `await .stop()`); rows of a channel without a sender stay queued."""
        worker = DeliveryWorker(
            self.store,
            self.program,
            self.clock,
            NoticeRegistry(self.program, self.clock, self.store, all_notices()),
            senders,
            limits_from_settings(self.settings),
            policy_from_settings(self.settings),
            pacers=pacers,
        )
        return OutboxScheduler(
            worker,
            self.planner,
            interval=self.settings.outbox_interval,
            housekeeping_interval=self.settings.outbox_housekeeping_seconds,
            chores=chores,
        )


def picture_reader(settings: Settings) -> Reader | None:
    """The screenshot reader, when OCR_WORKERS allows it and Tesseract's Indonesian data is
    installed (else photos get "please type what you see", and one WARNING says why)."""
    if settings.ocr_workers == 0:
        return None
    if not ocr_available():
        log.warning("screenshots are not read: tesserocr or tesseract-ocr-ind is not installed")
        return None
    return Reader(Limits(workers=settings.ocr_workers))


@asynccontextmanager
async def open_app(settings: Settings, clock: Clock) -> AsyncIterator[App]:
    """Loads the program file and the NLU models, opens the store, builds the engine; closes."""
    program = load_program(settings.prakerja_program_file)
    knowledge.prepare(program)  # an invalid knowledge base stops the bot here
    for locale in LOCALES:
        classifier(locale)  # build the free-text models now: fail fast, no slow first reply
    cues()  # the language, person, mood and progress words (bot/data/nlu/cues.toml)
    store = await open_store(settings.database_url, pool_size=settings.database_pool_size)
    serving = settings.telegram_bot_token is not None or settings.whatsapp_enabled
    heartbeat = Heartbeat(
        store,
        clock,
        settings.instance_id
        or default_instance_id(settings.web_host_port[1] if serving else None),
    )
    teacher = Teacher(store, program)  # the examples operators taught (docs/understanding.md)
    try:
        await heartbeat.start()
        await teacher.start()
        planner = ReminderPlanner(store, program, clock)
        engine = Engine(
            store,
            program,
            clock,
            route,
            default_locale=settings.prakerja_locale,
            default_timezone=settings.prakerja_timezone,
            observers=[planner, ConsentRecorder(store, clock, program.program.privacy_notice)],
            extras={"handoff_hours": settings.handoff_hours},
        )
        yield App(
            settings=settings,
            clock=clock,
            program=program,
            store=store,
            engine=engine,
            planner=planner,
            reader=picture_reader(settings) if serving else None,
        )
    finally:
        await teacher.stop()
        await heartbeat.stop()
        await store.close()
        log.info("store closed")
