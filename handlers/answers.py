"""Short answers to typed questions, from the program file: benefits, certificate, surveys..."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply
from bot.core.program import Scheme
from bot.nlu.entities import find_date
from handlers import facts, handoff
from handlers.common import (
    back_option,
    caution,
    deadline_line,
    deadline_missed,
    deadline_when,
    main_options,
    missed_line,
    official_help,
)
from handlers.purchase import sanctions as sanctions_reply


def _scheme(ctx: Context) -> Scheme:
    key = ctx.participant.scheme or ctx.program.program.default_scheme
    return ctx.program.schemes[key]


def _asked_day(ctx: Context, msg: Incoming) -> str | None:
    """Whether a date the participant asks about ("tgl 29 masih keburu?") is in time."""
    deadline = ctx.participant.deadline_utc
    today = ctx.t.local(ctx.now()).date()
    asked = find_date(msg.text, today) if deadline is not None else None
    if deadline is None or asked is None or asked < today:
        return None
    last = ctx.t.local(deadline).date()
    day = ctx.t.short_date(asked)
    if asked < last:
        return ctx.t._("{date} is before your deadline, so that is still in time.").format(
            date=day
        )
    if asked == last:
        return ctx.t._("{date} is your deadline day itself: buy before the time above.").format(
            date=day
        )
    return ctx.t._("{date} is after your deadline: that would be too late.").format(date=day)


async def deadline(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; gives the participant's own deadline, the days left, and a date's fit."""
    t, bought = ctx.t, ctx.participant.progress.get("purchase")
    if bought is not None:
        return [
            Reply(
                t._("You bought your first training on {date}, so the deadline is met.").format(
                    date=t.short_date(t.local(bought).date())
                ),
                (back_option(t),),
            )
        ]
    line = deadline_line(ctx)
    if deadline_missed(ctx):
        return [Reply(line + "\n" + missed_line(ctx), (back_option(t),))]
    if (fit := _asked_day(ctx, msg)) is not None:
        line += "\n" + fit
    if (weak := caution(ctx)) is not None:  # a window that rests on one source only
        line += "\n" + weak
    return [
        Reply(
            line,
            (
                Option("menu:purchase", t._("How to buy a training")),
                Option("purchase:done", t._("I've bought it")),
                back_option(t),
            ),
        )
    ]


async def incentive_info(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; sums up the benefits of the participant's scheme and their rules."""
    t, scheme = ctx.t, _scheme(ctx)
    rows = []
    for benefit in scheme.benefits:
        amount = t.money(benefit.amount)
        if benefit.kind == "training_fund":
            rows.append(
                t._("• training fund: {amount}, only for buying trainings").format(amount=amount)
            )
        elif benefit.kind == "incentive":
            # a meaning, not a grammatical number: "once" and "n times, monthly" differ
            once = t._("• incentive: {amount}, paid once")
            monthly = t._("• incentive: {amount}, paid {count} times (once a month)")
            rows.append(
                (once if benefit.count == 1 else monthly).format(
                    amount=amount, count=benefit.count
                )
            )
        else:
            rows.append(
                t.ngettext(
                    "• survey reward: {amount} for {count} survey",
                    "• survey reward: {amount} for each of {count} surveys",
                    benefit.count,
                ).format(amount=amount, count=benefit.count)
            )
    header = t._("Kartu Prakerja benefits: {total} in total.").format(total=t.money(scheme.total))
    rule = t._(
        "The incentive is paid after you finish the training (certificate), give a rating and "
        "review, and link a bank account or e-wallet."
    )
    if scheme.first_training_only:
        rule = t._("It is paid for your first training only.") + " " + rule
    if deadline_missed(ctx):  # these benefits are no longer coming to this participant
        rule = missed_line(ctx)
    return [
        Reply(header + "\n" + "\n".join(rows)),
        Reply(
            rule,
            (
                Option("menu:status", t._("Incentive status")),
                Option("menu:linking", t._("Link bank account/e-wallet")),
                back_option(t),
            ),
        ),
    ]


async def certificate(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains when the certificate appears and what to do if it doesn't."""
    t = ctx.t
    days = ctx.program.timings.certificate_working_days
    return [
        Reply(
            t.ngettext(
                "The certificate appears in your dashboard once the platform reports that you "
                "finished. The whole chain can take up to {days} working day.",
                "The certificate appears in your dashboard once the platform reports that you "
                "finished. The whole chain can take up to {days} working days.",
                days,
            ).format(days=days)
        ),
        Reply(
            t._(
                "Then give a rating and review in the dashboard: the incentive needs it. Still "
                "missing after that? Ask the platform where you bought the training first."
            )
        ),
        Reply(official_help(ctx), (back_option(t),)),
    ]


async def survey(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains the evaluation surveys: count, reward, deadline, help e-mail."""
    t, scheme, help_ = ctx.t, _scheme(ctx), ctx.program.official_help
    reward = scheme.benefit("survey")
    replies = []
    if reward is not None:
        replies.append(
            Reply(
                t.ngettext(
                    "There is {count} evaluation survey, rewarded with {amount}.",
                    "There are {count} evaluation surveys, rewarded with {amount} each.",
                    reward.count,
                ).format(count=reward.count, amount=t.money(reward.amount))
                + " "
                + t._("The link appears in your dashboard; your answers don't change the payment.")
            )
        )
    days = ctx.program.timings.survey_payment_days
    lines = [
        t.ngettext(
            "The reward is paid at most {days} day after you complete a survey.",
            "The reward is paid at most {days} days after you complete a survey.",
            days,
        ).format(days=days)
    ]
    if scheme.survey_deadline is not None:
        lines.append(
            t._("Complete the surveys by {date}.").format(
                date=t.short_date(scheme.survey_deadline)
            )
        )
    replies.append(Reply(" ".join(lines)))
    replies.append(
        Reply(
            t._("Survey problems: e-mail {email} with the subject “{subject}”.").format(
                email=help_.survey_email, subject=help_.survey_email_subject
            ),
            (back_option(t),),
        )
    )
    return replies


async def sanctions(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; lists the three sanctions and the participant's own deadline (or, to
    one who says they bought in time, that the sanctions don't apply)."""
    if (safe := bought_in_time(ctx, msg.text)) is not None:
        return [safe]
    replies = [sanctions_reply(ctx)]
    if deadline_missed(ctx):
        return [
            *replies,
            Reply(missed_line(ctx) + "\n" + official_help(ctx), (back_option(ctx.t),)),
        ]
    if "purchase" not in ctx.participant.progress:
        replies.append(Reply(deadline_line(ctx)))
    replies.append(
        Reply(
            ctx.t._("Buy your first training in time to keep your membership."),
            (Option("menu:purchase", ctx.t._("How to buy a training")), back_option(ctx.t)),
        )
    )
    return replies


def bought_in_time(ctx: Context, text: str) -> Reply | None:
    """ "udh beli tgl 18, aman kan ga kena sanksi?": safe, when the day said (or none) is before
    the deadline; None when nothing is claimed, or the day is after it."""
    deadline = ctx.participant.deadline_utc
    if deadline is None or deadline_missed(ctx) or not facts.claims_purchase(text):
        return None
    t, last = ctx.t, ctx.t.local(deadline)
    day = facts.day_said(ctx, text)
    if day is not None and day > last.date():
        return None
    when = deadline_when(ctx, deadline)
    said = (
        t._(
            "Safe: a purchase paid on {day} is before your deadline ({when}), so the sanctions "
            "don't apply to you."
        ).format(day=t.short_date(day), when=when)
        if day is not None
        else t._(
            "Safe, if the payment went through (card number and OTP) before your deadline "
            "({when}): the sanctions are only for those who buy nothing by then."
        ).format(when=when)
    )
    after = t._(
        "The class may start later, on the provider's schedule. Next: finish it, then "
        "give the rating and review."
    )
    return Reply(said + " " + after, (back_option(t),))


async def next_wave(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains where registration and new waves are announced."""
    t, program = ctx.t, ctx.program
    return [
        Reply(
            t._(
                "I can't register you or check your selection. Registration and new waves are "
                "announced only at {website} and on {instagram}."
            ).format(website=program.program.website, instagram=program.official_help.instagram)
        ),
        Reply(
            t._(
                "There is no Prakerja app and no offline registration; paid agents (“joki”) and "
                "WhatsApp numbers using the program's name are scams."
            ),
            (back_option(t),),
        ),
    ]


async def human(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores a handoff to a person (handlers/handoff.py) and says when one usually answers;
    gives the official help channels when no handoff can be opened."""
    if ctx.participant.id is not None and ctx.participant.onboarded:
        return await handoff.open_handoff(ctx, "asked for a person")
    t, help_ = ctx.t, ctx.program.official_help
    return [
        Reply(t._("I'm a bot, not a person, and not the official program.")),
        Reply(
            official_help(ctx)
            + " "
            + t._("Also on Instagram {instagram} and X {twitter}.").format(
                instagram=help_.instagram, twitter=help_.twitter
            ),
            (back_option(t),),
        ),
    ]


async def thanks(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; says you're welcome and offers the menu."""
    return [Reply(ctx.t._("You're welcome! Anything else I can help with?"), main_options(ctx))]
