"""A forwarded message, a link or a phone number checked against the official channels
(bot/nlu/scams.py): a scam is flagged with what gives it away, that Prakerja never asks for
that, and where to report it; an official address is named as such."""

from __future__ import annotations

import logging

from bot.conversation.context import Context
from bot.core.domain import Incoming, Reply
from bot.core.i18n import N_
from bot.core.safety import keepable
from bot.nlu.scams import Official, Sign, Verdict

log = logging.getLogger(__name__)

# What each sign says is wrong ({address}: the look-alike or shortened address).
_WRONG = {
    Sign.LOOKALIKE: N_("{address} uses Prakerja's name but is not its site"),
    Sign.SHORTENER: N_("the shortened link ({address}) hides where it really leads"),
    Sign.ASKS_SECRET: N_("it asks for a code, a PIN, a password or your personal data"),
    Sign.ASKS_MONEY: N_("it asks for money (a fee, a faster payout, a transfer first)"),
    Sign.JOKI: N_('it offers paid registration or a sure pass (a "joki")'),
    Sign.APP: N_("it asks you to install an app: Prakerja has no app"),
    Sign.FAKE_NUMBER: N_("its phone number is not one of Prakerja's"),
    Sign.CHAIN: N_("it asks you to pass it on to groups or friends"),
}
_OFFICIAL = {
    Official.SITE: N_("{address} is an official Kartu Prakerja address."),
    Official.ACCOUNT: N_("{address} is Kartu Prakerja's official account."),
    Official.NUMBER: N_("{address} is Kartu Prakerja's official contact centre."),
    Official.PARTNER: N_("{address} belongs to {name}, one of the program's official partners."),
    Official.GOVERNMENT: N_("{address} is an official government address."),
}


async def warn(ctx: Context, msg: Incoming, verdict: Verdict) -> Reply:
    """Stores the message (redacted) on the operator's flagged list and says what is wrong
    with it, that Prakerja never asks for that, and where to report it."""
    t, program = ctx.t, ctx.program
    pid = ctx.participant.id
    if pid is not None:
        redacted = keepable(msg.text, program.public_numbers)
        signs = [s.value for s in verdict.signs]
        await ctx.store.record_flagged(pid, redacted, signs, verdict.forwarded, ctx.now())
    log.info("participant %s: message flagged (%s)", pid, ",".join(verdict.signs))
    address = ", ".join(verdict.suspicious) or "?"
    reasons = [t._(_WRONG[sign]).format(address=address) for sign in verdict.signs]
    help_ = program.official_help
    lines = [
        "⚠️ " + t._("This looks like a scam: {reasons}.").format(reasons="; ".join(reasons)),
        t._(
            "Kartu Prakerja never asks for your OTP, PIN or password, never charges a fee, has "
            "no app and no agents; its only site is {site}. Don't open the link, reply or pay."
        ).format(site=program.program.website),
    ]
    report = t._("Report it at {help_centre} or on {phone} (toll-free)").format(
        help_centre=help_.help_centre, phone=help_.contact_centre
    )
    site = program.official_channels.report_site
    if site:
        report += t._("; a fake site or account also at {site}").format(site=site)
    lines.append(report + ".")
    return Reply("\n\n".join(lines))


def official(ctx: Context, verdict: Verdict) -> Reply:
    """Stores nothing; names the official addresses a message holds."""
    t = ctx.t
    said = [
        t._(_OFFICIAL[kind]).format(address=address, name=name)
        for address, kind, name in verdict.official[:3]
    ]
    return Reply("✅ " + " ".join(said))


def worth_naming(msg: Incoming, verdict: Verdict) -> bool:
    """An official address is named when the message was forwarded or holds a link or an
    account (a help line typed in a question is answered as the question)."""
    kinds = {kind for _, kind, _ in verdict.official}
    return bool(verdict.official) and (
        msg.forwarded or bool(kinds & {Official.SITE, Official.ACCOUNT, Official.GOVERNMENT})
    )
