"""The one entry point for free text that no step or command took: understanding comes here.

A typed message is classified (bot/nlu) into one of the fixed intents and answered through the
topic's own handler, with the participant's data. When the classifier is unsure it asks which
of the two or three likeliest topics was meant (buttons `intent:<name>`); when it does not
understand it says so and shows the menu. Recording a purchase and stopping reminders are
confirmed with a yes/no first.
"""

from __future__ import annotations

import logging

from bot.conversation.context import Context, Handler
from bot.core.domain import Incoming, Option, Reply, Step
from bot.core.i18n import N_
from bot.nlu import UNKNOWN, Result, classifier
from handlers import (
    answers,
    dashboard,
    help,
    linking,
    onboarding,
    otp,
    platforms,
    privacy,
    purchase,
    reminders,
    status,
)
from handlers.common import deadline_line, menu_reply

log = logging.getLogger(__name__)


async def ask_purchase(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the confirmation step and asks whether the first training was really bought."""
    if "purchase" in ctx.participant.progress:
        return await purchase.record(ctx, msg)
    ctx.participant.step = Step.CONFIRM_PURCHASE
    t = ctx.t
    return [
        Reply(
            t._(
                "Have you bought your first training? I'll record it and stop the deadline "
                "reminders."
            ),
            (
                Option("purchase:yes", t._("Yes, I've bought it")),
                Option("purchase:no", t._("Not yet")),
            ),
        )
    ]


async def not_purchased(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the menu step (nothing recorded) and repeats the deadline."""
    ctx.participant.step = Step.MENU
    return [Reply(ctx.t._("Okay, nothing recorded.")), menu_reply(ctx, deadline_line(ctx))]


async def ask_stop(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the confirmation step and asks whether to really stop the reminders."""
    t = ctx.t
    if not ctx.participant.reminders_enabled:
        return await reminders.show(ctx, msg)
    ctx.participant.step = Step.CONFIRM_STOP
    return [
        Reply(
            t._("Stop the deadline reminders? You can turn them on again with /pengingat."),
            (Option("stop:yes", t._("Yes, stop them")), Option("stop:no", t._("No, keep them"))),
        )
    ]


async def keep_reminders(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the menu step (reminders unchanged) and shows the menu."""
    ctx.participant.step = Step.MENU
    return [menu_reply(ctx, ctx.t._("Okay, the reminders stay on."))]


# What each understood intent answers with; the topics' own handlers wherever one exists.
INTENTS: dict[str, Handler] = {
    "greeting": onboarding.greet,
    "help": help.show,
    "deadline": answers.deadline,
    "dashboard": dashboard.show,
    "platforms": platforms.show,
    "buy_training": purchase.show,
    "link_account": linking.show,
    "otp": otp.show,
    "incentive_status": status.show,
    "incentive_info": answers.incentive_info,
    "certificate": answers.certificate,
    "survey": answers.survey,
    "sanctions": answers.sanctions,
    "purchased": ask_purchase,
    "stop_reminders": ask_stop,
    "delete_data": privacy.ask_delete,
    "human": answers.human,
    "thanks": answers.thanks,
    "next_wave": answers.next_wave,
}

# How a topic is offered in a clarifying question.
TOPICS: dict[str, str] = {
    "greeting": N_("Just saying hello"),
    "help": N_("What the bot can do"),
    "deadline": N_("My purchase deadline"),
    "dashboard": N_("Dashboard and card number"),
    "platforms": N_("Training platforms"),
    "buy_training": N_("Buying a training"),
    "link_account": N_("Linking a bank account/e-wallet"),
    "otp": N_("The OTP code"),
    "incentive_status": N_("My incentive status"),
    "incentive_info": N_("How much the benefits are"),
    "certificate": N_("The certificate"),
    "survey": N_("The evaluation surveys"),
    "sanctions": N_("What happens if I'm late"),
    "purchased": N_("I've bought my training"),
    "stop_reminders": N_("Stopping reminders"),
    "delete_data": N_("Deleting my data"),
    "human": N_("Official help channels"),
    "thanks": N_("Just saying thanks"),
    "next_wave": N_("Registering / the next wave"),
}


def understand(ctx: Context, text: str) -> Result:
    """The classifier's reading of `text` in the participant's language."""
    return classifier(ctx.t.locale).classify(text)


def clarify(ctx: Context, result: Result) -> Reply:
    """Asks which of the likeliest topics was meant, with a way out to the menu."""
    t = ctx.t
    options = [Option(f"intent:{name}", t._(TOPICS[name])) for name in result.likeliest()]
    options.append(Option("menu:show", t._("Something else")))
    return Reply(t._("I'm not sure I understood. Is it about one of these?"), tuple(options))


async def route(ctx: Context, msg: Incoming, text: str) -> list[Reply]:
    """Stores nothing itself; answers the understood intent, asks which one, or shows the menu."""
    result = understand(ctx, text)
    log.info(
        "participant %s: intent %s (%.2f, clear=%s)",
        ctx.participant.id,
        result.intent,
        result.confidence,
        result.clear,
    )
    if result.intent == UNKNOWN:
        return [menu_reply(ctx, ctx.t._("Sorry, I didn't understand that. Choose from the menu:"))]
    if not result.clear:
        return [clarify(ctx, result)]
    return await INTENTS[result.intent](ctx, msg)


async def after_secret(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; answers the rest of a message whose secret was redacted, if clear."""
    if not ctx.participant.onboarded or ctx.participant.step != Step.MENU:
        return []
    result = understand(ctx, msg.text)
    if result.intent == UNKNOWN or not result.clear:
        return []
    return await INTENTS[result.intent](ctx, msg)


async def choose(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing itself; answers the topic picked from a clarifying question."""
    name = (msg.choice or "").removeprefix("intent:")
    if name not in INTENTS:
        return [menu_reply(ctx, ctx.t._("That menu is outdated. Here is the current one."))]
    return await INTENTS[name](ctx, msg)


def _answer(ctx: Context, text: str, intent: str) -> bool | None:
    """A typed yes/no, or yes when the message says the asked-about thing again."""
    answer = classifier(ctx.t.locale).yes_no(text)
    if answer is None and understand(ctx, text).intent == intent:
        return True
    return answer


async def confirm_purchase(ctx: Context, msg: Incoming) -> list[Reply]:
    """Records the purchase on a typed yes; on no stores nothing; otherwise reads it afresh."""
    answer = _answer(ctx, msg.text, "purchased")
    if answer is True:
        return await purchase.record(ctx, msg)
    if answer is False:
        return await not_purchased(ctx, msg)
    ctx.participant.step = Step.MENU
    return await route(ctx, msg, msg.text)


async def confirm_stop(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stops reminders on a typed yes; on no keeps them; otherwise reads the message afresh."""
    answer = _answer(ctx, msg.text, "stop_reminders")
    if answer is True:
        return await reminders.stop(ctx, msg)
    if answer is False:
        return await keep_reminders(ctx, msg)
    ctx.participant.step = Step.MENU
    return await route(ctx, msg, msg.text)
