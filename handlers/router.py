"""Where each message goes: the conversation's whole state machine, in one ordered table.

Order matters: unusable input and secrets first, then scams (a forwarded message, a link or a
phone number checked against the official channels: handlers/scam_check.py), then buttons,
then commands (from anywhere), then the answer the current step is waiting for (a question
typed instead is answered and the step asked again), then menu labels, then free text
(understood by handlers/freetext.py: its INTENTS table says what each understood intent answers
with). Whatever the handler says goes out as at most two messages (handlers/brevity.py), and
the conversation's memory is saved.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from bot.conversation.context import Context, Handler
from bot.core.domain import Incoming, InputKind, Reply, Step
from bot.core.i18n import LOCALES, Translator
from bot.core.safety import Problem, clean, problem, scan
from bot.nlu import classifier
from bot.nlu.cues import cues
from bot.nlu.scams import check as check_scam
from handlers import (
    brevity,
    broadcasts,
    confirm,
    dashboard,
    facts,
    feedback,
    followup,
    freetext,
    guard,
    handoff,
    help,
    incentive_notices,
    incentives,
    knowledge,
    language,
    linking,
    menu,
    mood,
    onboarding,
    otp,
    platforms,
    privacy,
    purchase,
    reminders,
    satisfaction,
    scam_check,
    screenshot,
    stages,
    status,
    steps,
)
from handlers.common import MENU_ITEMS, menu_reply, unless_missed
from handlers.memory import recall, save
from handlers.waiting import STEPS

# Modules that register outbox kinds in handlers/notices.py when imported.
NOTICE_MODULES = (incentive_notices, handoff, broadcasts, satisfaction)

# Buttons: exact option ids.
ACTIONS: dict[str, Handler] = {
    "menu:show": menu.show,
    "menu:dashboard": unless_missed(dashboard.show),
    "menu:platforms": unless_missed(platforms.show),
    "menu:purchase": unless_missed(purchase.show),
    "menu:linking": unless_missed(linking.show),
    "menu:otp": otp.show,
    "menu:status": status.show,
    "menu:reminders": reminders.show,
    "menu:help": help.show,
    "purchase:done": purchase.record,
    "reminders:off": reminders.stop,
    "reminders:on": reminders.resume,
    "delete:yes": privacy.confirm,
    "delete:no": privacy.confirm,
    "onboarding:restart": onboarding.start,
    "purchase:yes": purchase.record,
    "purchase:no": confirm.not_purchased,
    "stop:yes": reminders.stop,
    "stop:no": confirm.keep_reminders,
}

# Buttons: option ids by prefix (the rest of the id is the value).
PREFIXES: dict[str, Handler] = {
    "done:": steps.done,
    "wave:": onboarding.choose_wave,
    "stage:": stages.choose,
    "tz:": onboarding.process_timezone,
    "lang:": language.choose,
    "intent:": freetext.choose,
    "csat:": satisfaction.answer,
    "kb:": knowledge.choose,
    "kbstep:": knowledge.still,
    "followup:": freetext.still,
    "fact:": facts.answer,
    "fb:": feedback.vote,
    "more:": brevity.show_more,
}

# Commands and their plain-word twins work from anywhere, in both languages.
COMMANDS: dict[str, Handler] = {
    "/start": onboarding.start,
    "mulai": onboarding.greet,
    "/menu": menu.show,
    "menu": menu.show,
    "halo": onboarding.greet,
    "hai": onboarding.greet,
    "/status": status.show,
    "status": status.show,
    "/bantuan": help.show,
    "/help": help.show,
    "bantuan": help.show,
    "help": help.show,
    "/batal": menu.cancel,
    "batal": menu.cancel,
    "/cancel": menu.cancel,
    "cancel": menu.cancel,
    "/bahasa": language.ask,
    "/language": language.ask,
    "/berhenti": reminders.stop,
    "/stop": reminders.stop,
    "/pengingat": reminders.show,
    "/reminders": reminders.show,
    "/hapus": privacy.ask_delete,
    "/delete": privacy.ask_delete,
    "hello": onboarding.greet,
    "hi": onboarding.greet,
}


def _drop_question(ctx: Context, choice: str | None) -> None:
    """Drops a yes/no question (handlers/waiting.py) that another button or command passed by."""
    waiting = STEPS[ctx.participant.step]
    if waiting.drops and not (choice or "").startswith(waiting.buttons or "\0"):
        ctx.participant.step = Step.MENU


@cache
def _labels() -> dict[str, str]:
    """Menu labels in every locale, lower-cased, to the action they stand for."""
    found: dict[str, str] = {}
    for locale in LOCALES:
        t = Translator(locale, "Asia/Jakarta")
        for action, label in MENU_ITEMS:
            found[t._(label).lower()] = action
    return found


def _command(text: str) -> Handler | None:
    word = text.split(maxsplit=1)[0].lower() if text else ""
    if word.startswith("/"):
        word = word.split("@", 1)[0]
        return COMMANDS.get(word)
    return COMMANDS.get(text.lower().strip(" !.?"))


async def prompt(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; asks again the question the current step is waiting for."""
    return await STEPS[ctx.participant.step].ask(ctx, msg)


async def _choice(ctx: Context, msg: Incoming) -> list[Reply]:
    """Sends a button press to its action; an unknown (old) button gets the current menu."""
    choice = msg.choice or ""
    if choice in ACTIONS:
        return await ACTIONS[choice](ctx, msg)
    for prefix, handler in PREFIXES.items():
        if choice.startswith(prefix):
            return await handler(ctx, msg)
    return [menu_reply(ctx, ctx.t._("That menu is outdated. Here is the current one."))]


async def route(ctx: Context, msg: Incoming) -> list[Reply]:
    """Turns one incoming message into at most two messages (the rest behind "Lihat detail"),
    changing the participant's state and the conversation's memory on the way."""
    replies = await feedback.ask(ctx, await brevity.fit(ctx, await _route(ctx, msg)))
    await save(ctx)
    return replies


async def _emoji(ctx: Context, msg: Incoming, text: str) -> list[Reply]:
    """An emoji alone: 👍 / 🙏 take the answer in; any other asks for text."""
    menu = ctx.participant.onboarded and ctx.participant.step == Step.MENU
    if menu and followup.is_emoji_acknowledgement(text):
        return followup.acknowledge(ctx, await recall(ctx), thanked="🙏" in text)
    if ctx.participant.step == Step.NEW:  # a wave 👋 as the very first message: the greeting
        return await onboarding.start(ctx, msg)
    return [guard.problem_reply(ctx, Problem.EMOJI_ONLY), *await prompt(ctx, msg)]


# Questions answered in the middle of onboarding (their answers store nothing and need no
# deadline); onboarding then asks its question again.
ASIDES = (
    "dashboard",
    "platforms",
    "buy_training",
    "link_account",
    "otp",
    "incentive_info",
    "certificate",
    "survey",
    "sanctions",
    "human",
    "next_wave",
    "selection",
    "account_access",
    "training_problem",
    "help",
)


async def _aside(ctx: Context, msg: Incoming, unread: list[Reply]) -> list[Reply]:
    """A question typed at an onboarding question: answered, then the question again."""
    reading = classifier(ctx.t.locale).read(msg.text)
    known = ctx.participant.step == Step.ASK_TIMEZONE and ctx.participant.deadline_utc is not None
    asides = (*ASIDES, "deadline") if known else ASIDES  # the deadline is known by then
    if reading.result.intent not in asides or not reading.result.clear:
        # "gmn cara cek insentif" at the stage question: the knowledge base's entry, if sure
        entry = (
            await knowledge.beside(ctx, msg.text) if reading.result.intent != "greeting" else None
        )
        if entry is None:
            await freetext.keep_unknown(ctx, msg.text, reading.result)
            return unread
        answer = Reply(entry.text)
    else:
        answer = _one_message(await freetext.answer(ctx, msg, reading))
    again = await prompt(ctx, msg)
    return [answer, Reply("\n\n".join(r.text for r in again), again[-1].options)]


def _one_message(answer: list[Reply]) -> Reply:
    """An answer given beside an onboarding question, as one message: all of it when it fits,
    else its first part."""
    said = "\n\n".join(r.text for r in answer)
    return Reply(said if len(said) <= brevity.MAX_CHARS else answer[0].text)


async def _route(ctx: Context, msg: Incoming) -> list[Reply]:
    """Sends one message to its handler (see the module docstring for the order)."""
    if msg.kind == InputKind.UNSUPPORTED:
        return [await guard.unsupported(ctx, msg), *await prompt(ctx, msg)]
    if msg.kind == InputKind.IMAGE:
        return await _picture(ctx, msg)
    if msg.kind == InputKind.CHOICE:
        _drop_question(ctx, msg.choice)
        return await _choice(ctx, msg)
    if msg.kind == InputKind.CONTACT:
        return await incentives.contact(ctx, msg)
    text = clean(msg.text)
    if (code := cues().switch_to(text)) is not None:  # "english please"
        _drop_question(ctx, None)
        return [language.switch(ctx, code), *await prompt(ctx, msg)]
    language.follow(ctx, text)  # answered in the language it is written in
    if issue := problem(text):
        if issue == Problem.EMOJI_ONLY:
            return await _emoji(ctx, msg, text)
        return [guard.problem_reply(ctx, issue), *await prompt(ctx, msg)]
    found = scan(text, ctx.program.public_numbers)
    if found.secret is not None:
        feedback.withhold(ctx)  # never "did this help?" after a warning
        # Warn, then answer what the rest of the message asks (the secret never goes further).
        warning = guard.secret_warning(ctx, found.kinds, text)
        if ctx.participant.step == Step.HANDOFF:  # the person gets the message, redacted
            return [warning, *await handoff.relay(ctx, replace(msg, text=found.redacted))]
        rest = await freetext.after_secret(ctx, replace(msg, text=found.redacted))
        return [warning, *(rest or await prompt(ctx, msg))]
    if text != msg.text:  # cleaned (a control character, a full-width digit...)
        msg = replace(msg, text=text)
    talking = ctx.participant.step == Step.HANDOFF  # a person reads it: no check
    verdict = None if talking else check_scam(text, ctx.program, forwarded=msg.forwarded)
    if verdict is not None and (verdict.flagged or scam_check.worth_naming(msg, verdict)):
        feedback.withhold(ctx)
    if verdict is not None and verdict.flagged:
        return [await scam_check.warn(ctx, msg, verdict), *await prompt(ctx, msg)]
    if verdict is not None and scam_check.worth_naming(msg, verdict):
        # "prakerja.go.id beneran resmi?": the official site's entry, not an unrelated one
        asked = await knowledge.official_site(ctx, text) if ctx.participant.onboarded else None
        replies = asked or await _text(ctx, msg, text)
        return [scam_check.official(ctx, verdict), *replies]
    return await _text(ctx, msg, text)


async def _text(ctx: Context, msg: Incoming, text: str) -> list[Reply]:
    """A typed message without a secret or a scam: a command, a step's answer, a menu label
    or free text."""
    if handler := _command(text):
        _drop_question(ctx, None)
        feedback.withhold(ctx)  # never "did this help?" after a command
        return await handler(ctx, msg)
    if handler := STEPS[ctx.participant.step].answer:
        replies = await handler(ctx, msg)
        if ctx.extras.pop(onboarding.UNREAD, False):  # not an answer: a question, perhaps
            return await _aside(ctx, msg, replies)
        return replies
    if action := _labels().get(text.lower()):
        return await ACTIONS[action](ctx, replace(msg, kind=InputKind.CHOICE, choice=action))
    if not ctx.participant.onboarded:
        return mood.attune(ctx, text, await _first_words(ctx, msg, text))
    return mood.attune(ctx, text, await freetext.route(ctx, msg, text))


async def _picture(ctx: Context, msg: Incoming) -> list[Reply]:
    """A screenshot: what it shows (handlers/screenshot.py). Its caption is read like a typed
    message when the picture shows nothing the bot knows; a person in a handoff gets both."""
    caption = clean(msg.text)
    picture = msg.picture
    if ctx.participant.step == Step.HANDOFF:
        seen = picture.text if picture is not None else ""
        said = "\n\n".join(x for x in (caption, seen) if x)
        if said:
            return await _route(ctx, replace(msg, kind=InputKind.TEXT, text=said, picture=None))
    answer = await screenshot.read(ctx, msg)
    if caption and not screenshot.understood(msg):
        typed = replace(msg, kind=InputKind.TEXT, text=caption, picture=None)
        return [*answer, *await _route(ctx, typed)]
    found = scan(caption) if caption else None
    if found is not None and found.secret is not None:
        answer = [guard.secret_warning(ctx, found.kinds, caption), *answer]
    if ctx.participant.step == Step.MENU and ctx.participant.onboarded:
        return answer
    return [*answer, *await prompt(ctx, msg)]


_SALAM = re.compile(r"\b(?:ass?alamu?\s*'?alaikum|asslm|assalamualaikum|aslkm)\b", re.IGNORECASE)


async def _first_words(ctx: Context, msg: Incoming, text: str) -> list[Reply]:
    """Stores the onboarding step; a new participant's first message is read, not dropped for
    the greeting: a wave in it is the answer, a question in it is answered first."""
    intro, *ask = await onboarding.start(ctx, msg)
    if _SALAM.search(text):
        intro = Reply(ctx.t._("Wa'alaikumsalam!") + " " + intro.text)
    reading = classifier(ctx.t.locale).read(text)
    if onboarding.wave_in(text) is not None:
        replies = await onboarding.process_wave(ctx, msg)
        if not ctx.extras.pop(onboarding.UNREAD, False):
            question = reading.result.intent in (*ASIDES, "deadline") and reading.result.clear
            if question and ctx.participant.step == Step.ASK_TIMEZONE:  # "gel 22, otp gmn?"
                answer = _one_message(await freetext.answer(ctx, msg, reading))
                ctx.participant.step = Step.ASK_TIMEZONE
                return [
                    answer,
                    Reply(f"{intro.text}\n\n{replies[-1].text}", replies[-1].options),
                ]
            return [intro, *replies]
        ctx.participant.step = Step.ASK_WAVE
    asking = Reply("\n\n".join([intro.text, *(r.text for r in ask)]), ask[-1].options)
    if reading.result.intent in ASIDES and reading.result.clear:
        answer = _one_message(await freetext.answer(ctx, msg, reading))
        ctx.participant.step = Step.ASK_WAVE  # the answer must not move onboarding on
        return [answer, asking]
    if reading.result.clear and reading.result.intent not in ("greeting", "thanks", "unknown"):
        later = ctx.t._("I can help with that as soon as I know your wave.")
        return [Reply(f"{intro.text}\n\n{later}"), *ask]
    return [intro, *ask]
