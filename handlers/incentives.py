"""Incentive status: the timeline of the participant's benefit items, the one next thing to do
or wait for, and sharing a phone number so the operator's status feed can find them."""

from __future__ import annotations

import logging
from datetime import date
from zoneinfo import ZoneInfo

from bot.conversation.context import Context
from bot.core.benefits import REASONS, Item, Reason, Source, Status, status_label
from bot.core.domain import Incoming, Option, Reply
from bot.core.i18n import N_, Translator
from bot.core.phones import normalise_phone
from bot.incentives.tracker import Next, NextStep, item_specs, next_step, reconcile, totals
from handlers.common import (
    CHECKLIST,
    back_option,
    deadline_missed,
    main_options,
    menu_reply,
    missed_line,
    official_help,
)

log = logging.getLogger(__name__)

_ICONS = {
    Status.NOT_ELIGIBLE: "⬜",
    Status.WAITING: "🕓",
    Status.PROCESSING: "⏳",
    Status.PAID: "✅",
    Status.FAILED: "❌",
}
_PAID_LINES = 2  # more items paid than this are shown as one line
_MILESTONES = {**dict(CHECKLIST), "linking": N_("Account linked")}  # button labels


def item_name(t: Translator, item: Item) -> str:
    """Dana pelatihan, Insentif bulan ke-2, Survei 1 (numbered where the scheme has several)."""
    numbered = "." in item.key
    if item.kind == "training_fund":
        return t._("Training fund")
    if item.kind == "incentive":
        if numbered:
            return t._("Incentive month {n}").format(n=item.index)
        return t._("Incentive")
    return t._("Survey {n}").format(n=item.index) if numbered else t._("Survey")


def reason_text(t: Translator, item: Item) -> str:
    """What went wrong and how to fix it, from the reason code (or the operator's note)."""
    if item.reason in {r.value for r in Reason}:
        problem, fix = REASONS[Reason(item.reason)]
        return t._(problem) + " " + t._(fix)
    return item.note or t._("No reason was given.")


def _zone(ctx: Context) -> ZoneInfo:
    return ZoneInfo(ctx.participant.timezone)


def _scheme(ctx: Context) -> str:
    return ctx.participant.scheme or ctx.program.program.default_scheme


async def sync(ctx: Context) -> list[Item]:
    """Stores what the participant's own reports change (as participant-sourced history) and
    returns their items."""
    scheme = ctx.program.schemes[_scheme(ctx)]
    specs = item_specs(scheme)
    pid = ctx.participant.id
    if pid is None:
        return specs
    items = await ctx.store.benefit_items(pid, specs)
    changes = reconcile(items, ctx.participant.progress, _zone(ctx))
    before = {i.key: i for i in items}
    for change in changes:  # never over an operator's change made in the meantime
        now, was = ctx.now(), before[change.key]
        if await ctx.store.change_benefit_item(pid, change, Source.PARTICIPANT, now, expect=was):
            log.info("participant %s: %s is now %s", pid, change.key, change.status.value)
    if not changes:
        return items
    return await ctx.store.benefit_items(pid, specs)


def _line(t: Translator, item: Item) -> str:
    status = t._(status_label(item.kind, item.status))  # the console says the same
    name, amount = item_name(t, item), t.money(item.amount)
    if item.status_on is None:
        text = t._("{item}, {amount}: {status}").format(item=name, amount=amount, status=status)
    elif item.partner and item.status == Status.PAID:
        text = t._("{item}, {amount}: {status} on {date} ({partner})").format(
            item=name,
            amount=amount,
            status=status,
            date=t.short_date(item.status_on),
            partner=item.partner,
        )
    else:
        text = t._("{item}, {amount}: {status} ({date})").format(
            item=name, amount=amount, status=status, date=t.short_date(item.status_on)
        )
    return f"{_ICONS[item.status]} {text}"


def timeline(ctx: Context, items: list[Item]) -> Reply:
    """Each item with its status, and what was received out of the total."""
    t = ctx.t
    received, rest, total = totals(items)
    if deadline_missed(ctx):  # nothing more is to come: no total to measure it against
        summary = (
            t._("Received {received}.").format(received=t.money(received)) if received else ""
        )
    else:
        summary = t._(
            "Received {received} of {total} in incentive and survey payments; still to come: "
            "{rest}."
        ).format(received=t.money(received), total=t.money(total), rest=t.money(rest))
    head = t._("Your benefits:")
    paid = [i for i in items if i.status == Status.PAID]
    if len(paid) <= _PAID_LINES:
        lines = [head, *(_line(t, i) for i in items), summary]
        return Reply("\n".join(line for line in lines if line))
    # Many items done: one line for them keeps the status on one screen.
    done = t.ngettext(
        "{n} item received or used, the last on {date}",
        "{n} items received or used, the last on {date}",
        len(paid),
    ).format(n=len(paid), date=t.short_date(max(i.status_on or date.min for i in paid)))
    rows = [f"{_ICONS[Status.PAID]} {done}", *(_line(t, i) for i in items if i not in paid)]
    return Reply("\n".join(line for line in [head, *rows, summary] if line))


def _done(t: Translator, item: str) -> Option:
    return Option(f"done:{item}", t._(_MILESTONES[item]))


def _milestone(ctx: Context, milestone: str) -> Reply:
    t, timings = ctx.t, ctx.program.timings
    if milestone == "purchase" and deadline_missed(ctx):
        return Reply(
            missed_line(ctx) + "\n" + official_help(ctx),
            (Option("purchase:done", t._("I bought it in time")),),
        )
    if milestone == "purchase":
        return Reply(
            t._("Next: buy your first training before your deadline."),
            (Option("purchase:done", t._("I've bought it")), Option("menu:purchase", t._("How"))),
        )
    if milestone == "certificate":
        text = t._(
            "Next: finish your training. The certificate appears in your dashboard up to about "
            "{n} working days after you finish."
        ).format(n=timings.certificate_working_days)
        return Reply(text, (_done(t, "finished"), _done(t, "certificate")))
    if milestone == "review":
        text = t._("Next: give your training a rating and review in the dashboard.")
        return Reply(text, (_done(t, "review"),))
    text = t._("Next: link a bank account or e-wallet in your own name in the dashboard.")
    return Reply(text, (_done(t, "linking"), Option("menu:linking", t._("How"))))


def _next_replies(ctx: Context, step: NextStep) -> list[Reply]:
    t, timings = ctx.t, ctx.program.timings
    name = item_name(t, step.item) if step.item else ""
    if step.what == Next.FIX_FAILED:
        assert step.item is not None
        text = t._("{item} failed: {reason}").format(item=name, reason=reason_text(t, step.item))
        return [Reply("❌ " + text), Reply(official_help(ctx))]
    if step.what == Next.MILESTONE:
        assert step.milestone is not None
        return [_milestone(ctx, step.milestone)]
    if step.what == Next.WAIT_CERTIFICATE:
        assert step.by is not None
        by = t.short_date(step.by)
        if step.overdue:
            text = t._(
                "Your certificate is late: it usually appears within {n} working days after you "
                "finish (by {date})."
            ).format(n=timings.certificate_working_days, date=by)
            return [Reply("⚠️ " + text), Reply(official_help(ctx), (_done(t, "certificate"),))]
        text = t._("Your certificate usually appears in your dashboard by {date}.").format(date=by)
        return [Reply(text, (_done(t, "certificate"),))]
    if step.what == Next.WAIT_SCHEDULE:
        assert step.by_moment is not None
        when = t.datetime(step.by_moment)
        if step.overdue:
            text = t._("Your payment schedule should have appeared in the dashboard by {when}.")
            return [Reply("⚠️ " + text.format(when=when)), Reply(official_help(ctx))]
        text = t.ngettext(
            "All set! Your payment schedule appears in the dashboard within {n} hour of your "
            "review (by {when}).",
            "All set! Your payment schedule appears in the dashboard within {n} hours of your "
            "review (by {when}).",
            timings.schedule_sync_hours,
        )
        return [Reply(text.format(n=timings.schedule_sync_hours, when=when))]
    if step.what == Next.WAIT_TRANSFER:
        assert step.item is not None and step.item.status_on and step.by
        fields = {"item": name, "date": t.short_date(step.item.status_on)}
        if step.overdue:
            text = t._("{item} was scheduled for {date} and should have arrived by {by}.")
            return [
                Reply("⚠️ " + text.format(by=t.short_date(step.by), **fields)),
                Reply(official_help(ctx)),
            ]
        text = t._(
            "{item} is scheduled for {date}; the money usually arrives {min}–{max} working days "
            "later (by {by})."
        ).format(
            min=timings.transfer_working_days_min,
            max=timings.transfer_working_days_max,
            by=t.short_date(step.by),
            **fields,
        )
        return [Reply(text)]
    if step.what == Next.WAIT_SURVEY_PAYMENT:
        assert step.by is not None
        by = t.short_date(step.by)
        if step.overdue:
            h = ctx.program.official_help
            text = t._(
                "{item} should have been paid by {date}. Write to {email} with the subject "
                "“{subject}”."
            ).format(item=name, date=by, email=h.survey_email, subject=h.survey_email_subject)
            return [Reply("⚠️ " + text)]
        text = t._("{item} is usually paid by {date}.").format(item=name, date=by)
        return [Reply(text)]
    if step.what == Next.DO_SURVEY:
        assert step.item is not None
        return [Reply(survey_prompt(ctx, name, step.item.amount))]
    return [Reply(t._("You have received all your benefits. 🎉"))]


def survey_prompt(ctx: Context, name: str, amount: int) -> str:
    """Fill in survey N in the dashboard (by the scheme's deadline); it pays Rp50.000."""
    t, deadline = ctx.t, ctx.program.schemes[_scheme(ctx)].survey_deadline
    if deadline is None:
        return t._("Next: fill in {item} in your dashboard. It pays {amount}.").format(
            item=name, amount=t.money(amount)
        )
    return t._("Next: fill in {item} in your dashboard by {date}. It pays {amount}.").format(
        item=name, amount=t.money(amount), date=t.short_date(deadline)
    )


def _ending(ctx: Context, replies: list[Reply]) -> list[Reply]:
    """The last message carries the choices: the next step's buttons and "back to menu", or
    the whole menu when there is nothing to press."""
    last = replies[-1]
    options = (*last.options, back_option(ctx.t)) if last.options else main_options(ctx)
    return [*replies[:-1], Reply(last.text, options)]


async def replies(ctx: Context) -> list[Reply]:
    """The timeline and the one next thing, as one message (stores what the participant's
    reports changed)."""
    items = await sync(ctx)
    step = next_step(items, ctx.participant.progress, ctx.now(), _zone(ctx), ctx.program)
    shown = timeline(ctx, items)
    if deadline_missed(ctx):  # the benefits won't come: no list of them, no total "to come"
        received = totals(items)[0]
        said = ctx.t._("Received {received}.").format(received=ctx.t.money(received))
        then = _next_replies(ctx, step)
        text = "\n\n".join([*([said] if received else []), *(r.text for r in then)])
        return _ending(ctx, [Reply(text, then[-1].options if then else ())])
    parts = _ending(ctx, [shown, *_next_replies(ctx, step)])
    return [Reply("\n\n".join(r.text for r in parts), parts[-1].options)]


async def next_only(ctx: Context) -> list[Reply]:
    """Just the next thing (after the participant reported a milestone)."""
    items = await sync(ctx)
    step = next_step(items, ctx.participant.progress, ctx.now(), _zone(ctx), ctx.program)
    return _ending(ctx, _next_replies(ctx, step))


def ask_contact(ctx: Context) -> Reply | None:
    """On Telegram, a button to share one's own phone number (WhatsApp already gives it)."""
    if ctx.participant.phone is not None or ctx.participant.channel != "telegram":
        return None
    return Reply(
        ctx.t._("Share your phone number so updates on your incentive can reach you here."),
        request_contact=True,
    )


async def contact(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the participant's own phone number (E.164) from a shared contact; shows the menu."""
    t = ctx.t
    if msg.contact_user_id != msg.user_id:  # the channel must say whose contact it is
        return [menu_reply(ctx, t._("Please share your own contact, not someone else's."))]
    phone = normalise_phone(msg.phone or "")
    if phone is None:
        return [menu_reply(ctx, t._("Sorry, I couldn't read that phone number."))]
    ctx.participant.phone = phone
    log.info("participant %s shared their phone number", ctx.participant.id)
    return [menu_reply(ctx, t._("Thanks! Status updates for your number will reach you here."))]
