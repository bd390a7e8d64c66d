"""Deadline reminders: how they are worded and when they still apply (outbox kinds "reminder"
and "reminder.passed"), and the settings: showing upcoming reminders, turning them off or on.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Participant, Reply, Step
from bot.core.outbound import Template
from bot.outbox.planner import PASSED, REMINDER, plan
from handlers.common import back_option, deadline_when, menu_reply, official_help, time_left
from handlers.notices import Notice, Payload
from handlers.purchase import purchase_options, sanctions

log = logging.getLogger(__name__)


def _same_deadline(p: Participant, payload: Payload) -> bool:
    return p.deadline_utc is not None and p.deadline_utc.isoformat() == payload.get("deadline")


def reminder_applies(p: Participant, payload: Payload, now: datetime) -> bool:
    """Still worth sending: reminders on, reachable, not bought, same deadline, not stale."""
    if not (p.reminders_enabled and not p.unreachable and "purchase" not in p.progress):
        return False
    if not _same_deadline(p, payload) or p.deadline_utc is None or now >= p.deadline_utc:
        return False
    stale = payload.get("stale_at")
    return stale is None or now < datetime.fromisoformat(stale)


def passed_applies(p: Participant, payload: Payload, now: datetime) -> bool:
    """The deadline has passed with no purchase recorded, and reminders are on."""
    return (
        p.reminders_enabled
        and not p.unreachable
        and "purchase" not in p.progress
        and _same_deadline(p, payload)
        and p.deadline_utc is not None
        and now >= p.deadline_utc
    )


def render_reminder(ctx: Context, payload: Payload) -> list[Reply]:
    """⏰ the deadline in the participant's zone and the days or hours left, with two buttons."""
    deadline = ctx.participant.deadline_utc
    assert deadline is not None
    text = ctx.t._("⏰ Reminder: buy your first training before {when} — {left}.").format(
        when=deadline_when(ctx, deadline), left=time_left(ctx)
    )
    return [Reply(text, purchase_options(ctx))]


def reminder_template(ctx: Context, payload: Payload) -> Template:
    """The pre-approved WhatsApp template: the deadline and the time left."""
    deadline = ctx.participant.deadline_utc
    assert deadline is not None
    return Template("prakerja_deadline_reminder", (deadline_when(ctx, deadline), time_left(ctx)))


def render_passed(ctx: Context, payload: Payload) -> list[Reply]:
    """One message: the deadline passed, the three sanctions, where to get help."""
    deadline = ctx.participant.deadline_utc
    assert deadline is not None
    intro = ctx.t._(
        "Your purchase deadline ({when}) has passed and I have no purchase recorded for you."
    ).format(when=deadline_when(ctx, deadline))
    text = "\n\n".join((intro, sanctions(ctx).text, official_help(ctx)))
    return [Reply(text, (Option("purchase:done", ctx.t._("I've bought it")),))]


def passed_template(ctx: Context, payload: Payload) -> Template:
    deadline = ctx.participant.deadline_utc
    assert deadline is not None
    return Template("prakerja_deadline_passed", (deadline_when(ctx, deadline),))


NOTICES = {
    REMINDER: Notice(render_reminder, reminder_applies, reminder_template),
    PASSED: Notice(render_passed, passed_applies, passed_template),
}


def _schedule_lines(ctx: Context, moments: list[datetime]) -> str:
    if not moments:
        return ctx.t._("No more reminders are planned before your deadline.")
    lines = [ctx.t._("Upcoming reminders:")]
    lines += [f"• {ctx.t.datetime(moment)}" for moment in moments]
    return "\n".join(lines)


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; lists the upcoming reminders and offers to turn them off (or on)."""
    t, p = ctx.t, ctx.participant
    if "purchase" in p.progress:
        return [
            Reply(
                t._("You've bought your first training, so there are no deadline reminders."),
                (back_option(t),),
            )
        ]
    if not p.reminders_enabled:
        return [
            Reply(
                t._("Deadline reminders are off."),
                (Option("reminders:on", t._("Turn reminders on")), back_option(t)),
            )
        ]
    moments: list[datetime] = []
    if p.id is not None:
        rows = await ctx.store.upcoming(p.id, REMINDER, ctx.now())
        moments = [due for kind, due, _ in rows if kind == REMINDER]
    text = t._("Deadline reminders are on.") + "\n" + _schedule_lines(ctx, moments)
    return [Reply(text, (Option("reminders:off", t._("Turn reminders off")), back_option(t)))]


async def stop(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores reminders as off (pending ones are cancelled) and says how to turn them on."""
    ctx.participant.reminders_enabled = False
    if ctx.participant.onboarded:
        ctx.participant.step = Step.MENU
    log.info("participant %s stopped reminders", ctx.participant.id)
    return [
        Reply(
            ctx.t._("Okay, I won't send you reminders any more. Send /reminders to turn them on."),
            (back_option(ctx.t),),
        )
    ]


async def resume(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores reminders as on (they are planned again) and shows when they will come."""
    ctx.participant.reminders_enabled = True
    log.info("participant %s resumed reminders", ctx.participant.id)
    planned = [p.due for p in plan(ctx.participant, ctx.program, ctx.now()) if p.kind == REMINDER]
    text = ctx.t._("Reminders are on again.")
    if ctx.participant.deadline_utc is not None:
        text += "\n" + _schedule_lines(ctx, planned)
    return [menu_reply(ctx, text)]
