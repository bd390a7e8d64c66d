"""The question "Did this help?" after an answer from the knowledge base or a topic's own
answer: 👍 / 👎, at most once a day (the participant's local day, the injected clock), never
after a warning, a handoff or a command. The vote is stored with the answer (`kb:<entry>` or
`topic:<intent>`); a 👎 keeps the answered message, redacted, for the console's "Answers that
did not help" page, and offers a person (the existing handoff)."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply, Step
from bot.core.safety import keepable
from handlers.brevity import MAX_MESSAGES
from handlers.common import back_option
from handlers.memory import recall

PREFIX = "fb:"  # the buttons: fb:up:<answer> / fb:down:<answer>
PERSON = "intent:human"  # the button that opens a handoff (handlers/answers.py human)
_ANSWERED = "feedback_answered"  # ctx.extras: (answer, message) this turn answered
_WITHHELD = "feedback_withheld"  # ctx.extras: this turn warned (a secret, a scam)
# Topics whose answer acts or greets rather than answers: never asked about.
NOT_ASKED = frozenset(
    ["greeting", "thanks", "help", "purchased", "stop_reminders", "delete_data", "human"]
)
_MAX_ID = 64  # Telegram's callback data: a longer answer key is not asked about


def answered_entry(ctx: Context, entry_id: str, post: str) -> None:
    """Marks this turn as answered from the knowledge base's entry, for the message `post`."""
    ctx.extras[_ANSWERED] = (f"kb:{entry_id}", post)


def answered_topic(ctx: Context, intent: str, post: str) -> None:
    """Marks this turn as answered by the topic's own handler (unless it acts or greets)."""
    if intent not in NOT_ASKED:
        ctx.extras[_ANSWERED] = (f"topic:{intent}", post)


def withhold(ctx: Context) -> None:
    """No question this turn: the bot warned (a secret given, a scam)."""
    ctx.extras[_WITHHELD] = True


def _buttons(ctx: Context, answer: str) -> tuple[Option, Option]:
    t = ctx.t
    return (
        Option(f"{PREFIX}up:{answer}", t._("👍 Yes")),
        Option(f"{PREFIX}down:{answer}", t._("👎 No")),
    )


async def ask(ctx: Context, replies: list[Reply]) -> list[Reply]:
    """Stores the question (and the answered message, redacted, until the vote); adds "Did
    this help?" to an answer when the participant was not asked yet today."""
    marked = ctx.extras.pop(_ANSWERED, None)
    withheld = ctx.extras.pop(_WITHHELD, False)
    participant, pid = ctx.participant, ctx.participant.id
    if not isinstance(marked, tuple) or withheld or pid is None or ctx.deleted or not replies:
        return replies
    answer, post = marked
    if participant.step != Step.MENU or not participant.onboarded:
        return replies  # a handoff opened, onboarding: not now
    if (await recall(ctx)).question is not None:
        return replies  # the answer asks something itself (a yes/no, a date)
    last = replies[-1]
    if any(o.id == PERSON for o in last.options) or len(PREFIX) + 5 + len(answer) > _MAX_ID:
        return replies  # a person is already offered (a distressed or angry message)
    asked = await ctx.store.feedback_ask(pid)
    today = ctx.t.local(ctx.now()).date()
    if asked is not None and ctx.t.local(asked.asked_at).date() == today:
        return replies  # once a day
    await ctx.store.ask_feedback(
        pid, answer, keepable(post, ctx.program.public_numbers)[:500] or None, ctx.now()
    )
    question = ctx.t._("Did this help?")
    if len(replies) < MAX_MESSAGES:  # its own short message, after the answer and its buttons
        return [*replies, Reply(question, _buttons(ctx, answer))]
    text = f"{last.text}\n\n{question}"  # two messages already: under the last one
    return [*replies[:-1], Reply(text, (*_buttons(ctx, answer), *last.options))]


async def vote(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the 👍 or 👎 (with the answered message on a 👎); thanks, and on a 👎 offers a
    person from the team."""
    t = ctx.t
    choice = (msg.choice or "").removeprefix(PREFIX)
    kind, _, answer = choice.partition(":")
    pid = ctx.participant.id
    if kind not in ("up", "down") or not answer or pid is None:
        return [Reply(t._("That menu is outdated. Here is the current one."), (back_option(t),))]
    helpful = kind == "up"
    if not await ctx.store.vote_feedback(pid, answer, helpful, ctx.now()):
        return [Reply(t._("Already noted, thank you!"), (back_option(t),))]
    if helpful:
        return [Reply(t._("Glad it helped, thanks for telling me! 🙏"), (back_option(t),))]
    return [
        Reply(
            t._(
                "Thanks for telling me, and sorry it didn't help. Someone from our team can "
                "look at it with you."
            ),
            (Option(PERSON, t._("Talk to a person")), back_option(t)),
        )
    ]
