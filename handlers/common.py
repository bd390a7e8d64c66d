"""Pieces several topics share: the main menu, the deadline line, marking a step done."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.context import Context, Handler
from bot.core.domain import Incoming, Option, Reply
from bot.core.i18n import N_, Translator
from bot.core.program import Partner, Scheme

UNREAD = "answer_unread"  # Context.extras: a step's typed answer could not be read (a question?)

MENU_ITEMS: tuple[tuple[str, str], ...] = (
    ("menu:dashboard", N_("Check dashboard")),
    ("menu:platforms", N_("Choose a training platform")),
    ("menu:purchase", N_("Buy a training")),
    ("menu:linking", N_("Link bank account/e-wallet")),
    ("menu:otp", N_("OTP problems")),
    ("menu:status", N_("Incentive status")),
    ("menu:reminders", N_("Reminders")),
    ("menu:help", N_("Help")),
)

# The checklist shown in /status, in the order of the program's steps.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("dashboard", N_("Dashboard checked")),
    ("platform", N_("Training platform chosen")),
    ("purchase", N_("First training bought")),
    ("finished", N_("Training finished")),
    ("certificate", N_("Certificate issued")),
    ("review", N_("Rating and review given")),
    ("linking", N_("Bank account/e-wallet linked")),
)


def menu_options(t: Translator) -> tuple[Option, ...]:
    return tuple(Option(action, t._(label)) for action, label in MENU_ITEMS)


# Menu items that lead to the benefit: not offered once the deadline passed without a purchase.
FORFEITED_ITEMS = frozenset({"menu:platforms", "menu:purchase", "menu:linking"})


def main_options(ctx: Context) -> tuple[Option, ...]:
    """The main menu's buttons (without the steps towards the benefit once the deadline passed
    without a purchase)."""
    options = menu_options(ctx.t)
    if deadline_missed(ctx):
        options = tuple(o for o in options if o.id not in FORFEITED_ITEMS)
    return options


def menu_reply(ctx: Context, text: str | None = None) -> Reply:
    """The main menu, with an optional lead-in sentence."""
    return Reply(text or ctx.t._("What would you like to do?"), main_options(ctx))


def unless_missed(handler: Handler) -> Handler:
    """The handler, except once the deadline passed without a purchase: then what that means
    (nothing may promise the benefit or ask to buy before the deadline)."""

    async def gated(ctx: Context, msg: Incoming) -> list[Reply]:
        if deadline_missed(ctx):
            return [Reply(missed_line(ctx) + "\n" + official_help(ctx)), menu_reply(ctx)]
        return await handler(ctx, msg)

    gated.__doc__ = handler.__doc__
    return gated


def back_option(t: Translator) -> Option:
    return Option("menu:show", t._("Back to menu"))


def time_left(ctx: Context) -> str:
    """'10 days left' (calendar days in the program's zone), or on the last day the hours and
    minutes really left ('only 4 hours 59 minutes left'), or 'the deadline has passed'."""
    t, deadline = ctx.t, ctx.participant.deadline_utc
    assert deadline is not None
    now = ctx.now()
    if now >= deadline:
        return t._("the deadline has passed")
    remaining = deadline - now
    if remaining >= timedelta(days=1):
        zone = ctx.program.deadline_zone
        days = max(1, (deadline.astimezone(zone).date() - now.astimezone(zone).date()).days)
        return t.ngettext("{n} day left", "{n} days left", days).format(n=days)
    hours, minutes = divmod(remaining // timedelta(minutes=1), 60)
    if hours == 0 and minutes == 0:
        return t._("less than a minute left")
    parts = []
    if hours:
        parts.append(t.ngettext("{n} hour", "{n} hours", hours).format(n=hours))
    if minutes:
        parts.append(t.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes))
    return t._("only {time} left").format(time=" ".join(parts))


def deadline_when(ctx: Context, deadline: datetime) -> str:
    """The deadline as the program states it (23:59 WIB on its date) and, when the participant
    lives in another zone, the same moment in their own time beside it."""
    stated_zone = ctx.program.program.deadline_timezone
    stated = ctx.t.datetime_in(deadline, stated_zone)
    if same_offset(deadline, stated_zone, ctx.participant.timezone):
        return stated
    return ctx.t._("{stated} ({local} your time)").format(
        stated=stated, local=ctx.t.datetime(deadline)
    )


def same_offset(moment: datetime, zone: str, other: str) -> bool:
    """Whether two zones show the same clock time at `moment`."""
    return (
        moment.astimezone(ZoneInfo(zone)).utcoffset()
        == moment.astimezone(ZoneInfo(other)).utcoffset()
    )


def deadline_missed(ctx: Context) -> bool:
    """The purchase deadline has passed and no purchase is recorded."""
    deadline = ctx.participant.deadline_utc
    return (
        deadline is not None
        and ctx.now() >= deadline
        and "purchase" not in ctx.participant.progress
    )


def missed_line(ctx: Context) -> str:
    """What a passed deadline without a purchase means, said plainly."""
    return ctx.t._(
        "Your purchase deadline has passed with no purchase recorded: by the program's rules "
        "the membership is revoked and the benefits are no longer paid. If you did buy in time, "
        "tell me, and check your dashboard."
    )


def deadline_line(ctx: Context) -> str:
    """Batas beli pelatihan pertamamu: Selasa, 30 November 2021 pukul 23.59 WIB — 10 hari lagi."""
    deadline = ctx.participant.deadline_utc
    if deadline is None:
        return ctx.t._("I don't know your purchase deadline yet. Send /start to set it.")
    return ctx.t._("Your first training's purchase deadline: {when} — {left}").format(
        when=deadline_when(ctx, deadline), left=time_left(ctx)
    )


def mark_done(ctx: Context, item: str) -> bool:
    """Records that a step is done (keeping the first time); True if it was new."""
    if item in ctx.participant.progress:
        return False
    ctx.participant.progress[item] = ctx.now()
    return True


def official_help(ctx: Context) -> str:
    """Where account problems go: the official channels from the program file."""
    h = ctx.program.official_help
    return ctx.t._(
        "For problems with your account, contact the official channels: {help_centre}, "
        "{email}, or the contact centre {phone} (toll-free)."
    ).format(help_centre=h.help_centre, email=h.email, phone=h.contact_centre)


def scheme(ctx: Context) -> Scheme:
    """The participant's scheme (the program's default one until it is known)."""
    return ctx.program.schemes[ctx.participant.scheme or ctx.program.program.default_scheme]


def partners(ctx: Context) -> tuple[Partner, ...]:
    """The banks and e-wallets that receive incentives today (the program file's dates)."""
    return ctx.program.partners_on(ctx.t.local(ctx.now()).date())


def partner_names(ctx: Context, kind: str) -> str:
    """ "BNI, BCA (from December 2022)": today's partners of a kind, each joined after the
    participant's scheme began with the month it joined."""
    began = scheme(ctx).announced_from
    names = []
    for partner in partners(ctx):
        if partner.kind != kind:
            continue
        if partner.valid_from and began and partner.valid_from > began:
            names.append(
                ctx.t._("{name} (from {month})").format(
                    name=partner.name, month=ctx.t.month(partner.valid_from)
                )
            )
        else:
            names.append(partner.name)
    return ", ".join(names) or "-"


def caution(ctx: Context) -> str | None:
    """What the participant's deadline rests on, when that is one weak source only."""
    chosen = scheme(ctx)
    if "purchase_window" not in chosen.weak or ctx.participant.announced_on is None:
        return None
    return ctx.t._(
        "The {days}-day purchase window of your scheme comes from one source only: check the "
        "deadline shown in your dashboard."
    ).format(days=chosen.purchase_window_days)


def scheme_note(ctx: Context) -> str | None:
    """What the participant's scheme is, for a scheme other than the program's default."""
    key = ctx.participant.scheme
    note = ctx.program.schemes[key].note if key else None
    if key == ctx.program.program.default_scheme or note is None:
        return None
    return note.get(ctx.t.locale)
