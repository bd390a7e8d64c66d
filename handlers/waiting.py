"""What each step waits for (bot.core.domain.Step), in one table: the handler that reads a
typed answer, the one that asks the question again, and the buttons that answer it (any other
button or command drops a `drops` question, so a later "ya" can't answer it). Adding a step's
question: a Step value and one entry here. Questions asked at the menu step are in
handlers/questions.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.conversation.context import Context, Handler
from bot.core.domain import Incoming, Reply, Step
from bot.nlu import classifier
from handlers import confirm, freetext, handoff, onboarding, privacy, stages
from handlers.common import menu_reply

QUESTION_WORDS = 6  # a typed stage this long or longer is a post with a question in it


@dataclass(frozen=True)
class Waiting:
    """One step's question: how its typed answer is read and how it is asked again."""

    answer: Handler | None  # None: typed text is read as free text
    ask: Callable[[Context, Incoming], Awaitable[list[Reply]]]
    buttons: str | None = None  # the option-id prefix that answers it
    drops: bool = False  # dropped by any other button or command


async def _ask_wave(ctx: Context, msg: Incoming) -> list[Reply]:
    return (await onboarding.start(ctx, msg))[1:]


async def _ask_announced(ctx: Context, msg: Incoming) -> list[Reply]:
    return [Reply(ctx.t._("On what date were you announced as passing selection?"))]


async def _ask_timezone(ctx: Context, msg: Incoming) -> list[Reply]:
    return [onboarding.ask_timezone(ctx)]


async def _ask_stage(ctx: Context, msg: Incoming) -> list[Reply]:
    return [stages.ask(ctx)]


async def _stage(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the stage typed (stages.process); a post that names a stage while asking
    something ("sertifikat udh keluar tp insentif blm cair") also gets its answer, first."""
    settled = await stages.process(ctx, msg)
    if ctx.participant.step != Step.MENU or len(msg.text.split()) < QUESTION_WORDS:
        return settled
    answer = await freetext.answer(ctx, msg, classifier(ctx.t.locale).read(msg.text))
    ctx.participant.step = Step.MENU  # the answer never moves the finished onboarding on
    if not answer:
        return settled
    return [answer[0], settled[-1]]


async def _waiting(ctx: Context, msg: Incoming) -> list[Reply]:
    return handoff.waiting(ctx)


async def _menu(ctx: Context, msg: Incoming) -> list[Reply]:
    return [menu_reply(ctx)]


STEPS: dict[Step, Waiting] = {
    Step.NEW: Waiting(None, _ask_wave),
    Step.ASK_WAVE: Waiting(onboarding.process_wave, _ask_wave, "wave:"),
    Step.ASK_ANNOUNCED: Waiting(onboarding.process_announced, _ask_announced),
    Step.ASK_TIMEZONE: Waiting(onboarding.process_timezone, _ask_timezone, "tz:"),
    Step.ASK_STAGE: Waiting(_stage, _ask_stage, "stage:"),
    Step.MENU: Waiting(None, _menu),
    Step.CONFIRM_DELETE: Waiting(privacy.confirm, privacy.ask_delete, "delete:"),
    Step.CONFIRM_PURCHASE: Waiting(
        freetext.confirm_purchase, confirm.ask_purchase, "purchase:", drops=True
    ),
    Step.CONFIRM_STOP: Waiting(freetext.confirm_stop, confirm.ask_stop, "stop:", drops=True),
    # while talking to a person, typed text goes to the operators' inbox
    Step.HANDOFF: Waiting(handoff.relay, _waiting),
}
