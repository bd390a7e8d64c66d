"""The questions asked in the free conversation (bot.core.domain.Question, kept in the memory
while the participant stays at the menu step) and the handler that reads each one's answer.
Adding a question: a Question value and one entry here. The steps' own questions are in
handlers/waiting.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.conversation.context import Context
from bot.core.domain import Incoming, Question, Reply
from handlers import facts, offers
from handlers.memory import recall

Answer = Callable[[Context, Incoming, str], Awaitable[list[Reply] | None]]


async def _confirm_fact(ctx: Context, msg: Incoming, text: str) -> list[Reply] | None:
    """A yes/no on the fact offered for recording, or a no with a correction ("bukan, …")."""
    return await facts.answer(ctx, msg) or await offers.correction(ctx, text)


async def _purchase_date(ctx: Context, msg: Incoming, text: str) -> list[Reply] | None:
    """The day the first training was bought, offered for recording."""
    return await facts.offer_purchase(ctx, text)


# What reads the answer to each question (None: the message is read on its own).
QUESTIONS: dict[Question, Answer | None] = {
    Question.CONFIRM_FACT: _confirm_fact,
    Question.PURCHASE_DATE: _purchase_date,
    Question.ESCALATED: None,  # nothing asked: the problem went to a person
}


async def answer(ctx: Context, msg: Incoming, text: str) -> list[Reply] | None:
    """The answer to the question the memory holds, if the message answers it."""
    asked = (await recall(ctx)).question
    if asked is None or asked not in QUESTIONS:
        return None
    handler = QUESTIONS[Question(asked)]
    return await handler(ctx, msg, text) if handler is not None else None
