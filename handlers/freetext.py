"""The one entry point for free text that no step or command took: understanding comes here.

A typed post is read (bot/nlu/reading.py: framing set apart, clauses, pasted dashboard statuses,
topics ranked by urgency) and answered through the main topic's own handler, with the
participant's data; the next topic is offered as a button. Before that, the conversation's
memory (handlers/memory.py) answers a pending yes/no and reads follow-ups (handlers/followup.py),
and what the participant says about themselves is confirmed first (handlers/facts.py). When the
classifier is unsure it asks which of the two or three likeliest topics was meant (buttons
`intent:<name>`); when it does not understand it says so, shows the menu and keeps the redacted
message for the operator. Recording a purchase and stopping reminders are confirmed first.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.conversation.context import Context, Handler
from bot.core.domain import Incoming, Option, Reply, Step
from bot.core.i18n import N_
from bot.core.safety import keepable
from bot.knowledge import ACTIONS, CONFIDENT, NEAR
from bot.knowledge.decide import LEAN, Decision, asked_second
from bot.nlu import UNKNOWN, Reading, Result, classifier
from bot.nlu.reading import asks
from bot.storage.base import Memory
from handlers import (
    agreement,
    answers,
    cases,
    choosing,
    dashboard,
    deadlines,
    facts,
    feedback,
    followup,
    help,
    knowledge,
    linking,
    offers,
    onboarding,
    otp,
    person,
    platforms,
    privacy,
    purchase,
    questions,
    reminders,
    stages,
    status,
    statuses,
    topics,
    whose,
)
from handlers.common import menu_reply, unless_missed
from handlers.confirm import ask_purchase, ask_stop, keep_reminders, not_purchased
from handlers.memory import recall, remember

log = logging.getLogger(__name__)


# Topics answered from the participant's own data: not for a post about another scheme or person.
_OWN_DATA = ("deadline", "incentive_status", "dashboard", "purchased", "sanctions")

# Intents that only frame a post (the bot's help, a greeting, thanks): an entry found at least
# this surely answers the post instead.
_SOCIAL = ("help", "greeting", "thanks")
_SURE = 0.9
_POLITE = ("greeting", "thanks")  # framing that a question after it outweighs

# What each understood intent answers with; the topics' own handlers wherever one exists.

INTENTS: dict[str, Handler] = {
    "greeting": onboarding.greet,
    "help": help.show,
    "deadline": answers.deadline,
    "dashboard": unless_missed(dashboard.show),
    "platforms": unless_missed(platforms.show),
    "buy_training": unless_missed(purchase.show),
    "link_account": unless_missed(linking.show),
    "otp": otp.show,
    "incentive_status": status.show,
    "incentive_info": unless_missed(answers.incentive_info),
    "certificate": answers.certificate,
    "survey": answers.survey,
    "sanctions": answers.sanctions,
    "purchased": ask_purchase,
    "stop_reminders": ask_stop,
    "delete_data": privacy.ask_delete,
    "human": answers.human,
    "thanks": answers.thanks,
    "next_wave": stages.unless_revoked(answers.next_wave),
    "selection": topics.selection,
    "account_access": topics.account_access,
    "training_problem": topics.training_problem,
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
    "selection": N_("Selection and registering"),
    "account_access": N_("Logging in to my account"),
    "training_problem": N_("A problem with my training"),
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


async def keep_unknown(ctx: Context, text: str, result: Result) -> None:
    """Stores a message the bot did not understand, redacted, with its best guesses and the
    participant's step, for the operator (`prakerja-bot unknown`)."""
    pid = ctx.participant.id
    if pid is not None:
        guesses = [(name, score) for name, score in result.ranked[:3]]
        redacted = keepable(
            text, ctx.program.public_numbers
        )  # no secrets, phone numbers or e-mail addresses
        await ctx.store.record_unknown(
            pid, redacted, guesses, ctx.participant.step.value, ctx.now()
        )


async def _unknown(ctx: Context, text: str, result: Result, memory: Memory) -> list[Reply]:
    """Keeps the (redacted) message for the operator and says so, with the menu."""
    await keep_unknown(ctx, text, result)
    await _keep_topic(ctx, memory)
    return [menu_reply(ctx, ctx.t._("Sorry, I didn't understand that. Choose from the menu:"))]


def _also(ctx: Context, replies: list[Reply], others: list[str]) -> list[Reply]:
    """Offers the post's other topic as a button on the last message."""
    if not replies or not others:
        return replies
    name = others[0]
    button = Option(f"intent:{name}", ctx.t._("Also: {topic}").format(topic=ctx.t._(TOPICS[name])))
    last = replies[-1]
    return [*replies[:-1], Reply(last.text, (button, *last.options), last.request_contact)]


async def answer(ctx: Context, msg: Incoming, reading: Reading) -> list[Reply]:
    """Stores the topic in the memory; answers the main topic, offers the next one."""
    intent = reading.result.intent
    if reading.statuses and intent in ("incentive_status", "selection"):
        # the statuses as quoted (dashboard words, never data): the console's inbox shows them
        await remember(ctx, intent, pasted=[quoted for _, quoted in reading.statuses])
        replies = statuses.explain(ctx, reading.statuses, msg.text)
    else:
        found = knowledge.find(ctx, msg.text) if intent not in ACTIONS else None
        if found is not None and found.best is not None and found.confidence >= CONFIDENT:
            # a question asked beside onboarding (handlers/router.py) gets its entry too
            return await knowledge.answer(
                ctx,
                found.best,
                msg.text,
                found.others,
                alternatives=choosing.close_second(found),
                asked_further=found.asked,
            )
        specific = await cases.answer(ctx, intent, msg.text)  # a case's entry, if any
        if specific is None:
            await remember(ctx, intent)
            specific = await INTENTS[intent](ctx, msg)
        replies = specific
    others = [n for n in reading.topics if n != intent and n in TOPICS and n != "thanks"]
    feedback.answered_topic(ctx, intent, msg.text)  # "did this help?" (handlers/feedback.py)
    return _also(ctx, replies, others)


async def route(ctx: Context, msg: Incoming, text: str) -> list[Reply]:
    """Stores the conversation's memory; answers in context, the understood topic(s), asks
    which one, or shows the menu (keeping what it did not understand for the operator)."""
    memory = await recall(ctx)
    if answered := await questions.answer(ctx, msg, text):  # what the bot asked (questions.py)
        return answered
    if not facts.claims_purchase(text) and (said := await deadlines.about_date(ctx, text)):
        return said
    reading = classifier(ctx.t.locale).read(text)
    if reading.statuses and statuses.hypothetical(text):  # "apa insentif bisa gagal?"
        reading = replace(reading, statuses=())
    result = reading.result
    log.info(
        "participant %s: intent %s (%.2f, clear=%s, topics=%s)",
        ctx.participant.id,
        result.intent,
        result.confidence,
        result.clear,
        ",".join(reading.topics),
    )
    if followup.is_acknowledgement(ctx, text) or (
        result.intent == "thanks" and reading.framing_only
    ):
        return followup.acknowledge(ctx, memory, thanked=result.intent == "thanks")
    if (named := await knowledge.reported_or_official(ctx, text)) is not None:
        return named  # a scam report, or the official customer service asked for
    if (moved := await person.moved(ctx, msg, text, reading, memory)) is not None:
        if isinstance(moved, Reading):
            reading, result = moved, moved.result
        else:
            return moved
    someone = whose.about_someone_else(text)  # their wave or purchase is not to be recorded
    if not someone and (offered := await offers.offer(ctx, text, reading)) is not None:
        beside = offers.question_beside(ctx, reading)  # asked besides: answered first
        kept = await offers.keep(ctx)
        if beside is not None:
            said = await _by_meaning(ctx, msg, text, beside, memory)
            return await offers.after(ctx, kept, said, offered)
        first = await knowledge.beside(ctx, text)
        return await offers.after(ctx, kept, [first], offered) if first else offered
    choices = memory.data.get("offered")
    if isinstance(choices, list) and (picked := knowledge.typed_choice(ctx, text, choices)):
        return await knowledge.answer(ctx, picked, text)  # "yang kedua" after the options
    entry = memory.data.get("entry")
    if (
        isinstance(entry, str)
        and knowledge.is_again(ctx, text)
        and not knowledge.asks_anew(ctx, text, entry)
    ):
        return await knowledge.next_step(ctx, entry)  # "masih belum" after an entry's answer
    if (
        context := await followup.in_context(ctx, msg, text, reading, memory, INTENTS)
    ) is not None:
        return context
    return await _by_meaning(ctx, msg, text, reading, memory)


async def _by_meaning(
    ctx: Context, msg: Incoming, text: str, reading: Reading, memory: Memory
) -> list[Reply]:
    """The participant's own data where the post needs it (a pasted status, their deadline,
    a request to act), else the knowledge base's entry, the likeliest entries, or a person."""
    result = reading.result
    if reading.statuses and result.intent in ("incentive_status", "selection"):
        found = knowledge.find(ctx, text)
        if choosing.names_the_cause(ctx, found, reading, LEAN, text):  # "ovo limit, gagal"
            return await knowledge.answer(ctx, found.best or "", text, found.others)
        return await answer(ctx, msg, reading)
    # "gel 66", "adik saya ikut prakerja 2023": that scheme's or person's case, never the
    # participant's own deadline, checklist or status
    elsewhere = whose.elsewhere(ctx, text)
    own_data = elsewhere and result.intent in _OWN_DATA
    found = knowledge.find(ctx, text)
    # "dibalas otomatis, terus gimana?" read as "help": an entry this sure answers instead
    social = result.intent in _SOCIAL and found.confidence >= _SURE
    # "Good morning! Is this the Prakerja help desk?": the question after the greeting
    social = social or (result.intent in _POLITE and asks(text) and found.confidence >= LEAN)
    # "0800 ga nyambung, ada cara lain lapor?" read as "a person": the official channels'
    # entries (nobody asked for this bot's team in words: person.moved() did not take the post)
    agrees = agreement.topic_is(ctx, found, result)
    official = found.confidence >= _SURE or (found.confidence >= LEAN and agrees)
    social = social or (result.intent == "human" and official)  # "CS resmi atau bot?"
    apart = agreement.far_from_deadline(ctx, found, result, _SURE)  # "usia 60, masih bisa?"
    if result.intent == "delete_data" and (program := privacy.program_account(ctx, found, text)):
        return await knowledge.answer(ctx, program, text) + [privacy.offer_delete(ctx)]
    # "sy udh beli pelatihan kok, stop ya": a purchase stated is confirmed, however unsure
    stated = result.intent == "purchased" and facts.claims_purchase(text)
    clear = result.clear or stated
    if result.intent in ACTIONS and clear and not own_data and not social and not apart:
        replies = await answer(ctx, msg, reading)
        if result.intent == "deadline" and choosing.sure_of_other_topic(ctx, found, _SURE):
            # "kelewatan batas 1 hari, masih bisa?": by their data it has not passed
            return choosing.not_passed_yet(ctx, replies)
        further = knowledge.beside_action(ctx, found, result.intent, text)
        said = {r.text for r in replies}
        return [*replies, further] if further is not None and further.text not in said else replies
    decision = knowledge.decision(ctx, found, text)
    named = agreement.named(ctx, found, reading)  # an entry of any topic the post names
    sure_of_topic = result.clear and result.intent != UNKNOWN and not social
    if decision == Decision.LEANING and sure_of_topic and not own_data and not named:
        decision = Decision.CLARIFY  # the classifier is sure of another topic: its answer
    case = cases.plausible(ctx, result.intent, text) if result.intent != UNKNOWN else None
    alone = result.clear or not agreement.runner_agrees(ctx, found, result)
    if decision in (Decision.CLARIFY, Decision.OUTSIDE) and agrees and alone and not case:
        # the classifier's topic and the likeliest entry agree (clearly, or only the likeliest
        # is of its topic), and no case of topics.toml names the question: that entry's
        # answer with the runner-ups beside it, not the topic's general answer
        decision = Decision.LEANING if found.confidence >= LEAN else decision
    if decision == Decision.LEANING and case is not None and found.best not in case.entries:
        return await answer(ctx, msg, reading)  # a case that names the question: its entry
    if found.best is not None and decision in (Decision.ANSWER, Decision.LEANING):
        leaning = agreement.offered_beside(ctx, found, decision == Decision.LEANING)
        both = (*found.others, *asked_second(found))  # "totalnya? dan berapa kali?"
        return await knowledge.answer(
            ctx, found.best, text, both, alternatives=leaning, asked_further=found.asked
        )
    topical = case is not None or (result.intent != UNKNOWN and result.clear)
    if reading.statuses or (topical and not own_data):
        return await answer(ctx, msg, reading)  # a topic the knowledge base doesn't cover
    if decision == Decision.OUTSIDE:
        await keep_unknown(ctx, text, result)
        return await knowledge.outside(ctx, text, memory)
    if found.best is not None and found.near >= NEAR:
        await keep_unknown(ctx, text, result)
        return await knowledge.clarify(ctx, found, memory)
    await keep_unknown(ctx, text, result)
    return await knowledge.nothing_near(ctx, memory)


async def _keep_topic(ctx: Context, memory: Memory) -> None:
    await remember(ctx, memory.topic, repeats=memory.repeats, **memory.data)


async def still(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the repeat; the remembered topic's next troubleshooting step (or a person)."""
    topic = (msg.choice or "").removeprefix("followup:")
    if topic not in INTENTS:
        return [menu_reply(ctx, ctx.t._("That menu is outdated. Here is the current one."))]
    return await followup.again(ctx, await recall(ctx), topic)


async def after_secret(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; answers the rest of a message whose secret was redacted, if clear."""
    if not ctx.participant.onboarded or ctx.participant.step != Step.MENU:
        return []
    if (named := await knowledge.reported_or_official(ctx, msg.text)) is not None:
        return named  # "ada yg minta OTP ▒ katanya petugas": the scam warning too
    reading = classifier(ctx.t.locale).read(msg.text)
    if reading.framing_only:
        return []
    if not (reading.result.clear and reading.result.intent in ACTIONS):
        # "NIK sy ▒ tolong dicek lolos atau ngga": the entry the rest asks for (redacted text)
        found = knowledge.find(ctx, msg.text)
        made = knowledge.decision(ctx, found, msg.text)
        if found.best is not None and made in (Decision.ANSWER, Decision.LEANING):
            return await knowledge.answer(ctx, found.best, msg.text, found.others)
    if reading.result.intent == UNKNOWN:
        return []
    if not reading.result.clear and len(reading.topics) < 2:
        return [clarify(ctx, reading.result)]
    return await answer(ctx, msg, reading)


async def choose(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing itself; answers the topic picked from a clarifying question."""
    name = (msg.choice or "").removeprefix("intent:")
    if name not in INTENTS:
        return [menu_reply(ctx, ctx.t._("That menu is outdated. Here is the current one."))]
    await remember(ctx, name)
    feedback.answered_topic(ctx, name, "")
    return await INTENTS[name](ctx, msg)


def _answer(ctx: Context, text: str, intent: str) -> bool | None:
    """A typed yes/no, or yes when the message says the asked-about thing again."""
    answer = classifier(ctx.t.locale).yes_no(text)
    if answer is None and understand(ctx, text).intent == intent:
        return True
    return answer


async def confirm_purchase(ctx: Context, msg: Incoming) -> list[Reply]:
    """Records the purchase on a typed yes; on no stores nothing; otherwise reads it afresh."""
    if fixed := await offers.correction(ctx, msg.text):  # "bukan, aku belinya bulan lalu"
        return fixed
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
