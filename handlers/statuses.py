"""A dashboard status pasted into a message: what it means and what to do now (the labels and
their sources are data in bot/data/nlu/topics.toml)."""

from __future__ import annotations

import re

from bot.conversation.context import Context
from bot.core.domain import Option, Reply
from bot.core.i18n import N_
from bot.core.program import Partner
from bot.knowledge import partner_named
from bot.nlu.topics import StatusEntry, find_statuses, plain, topics
from handlers.common import back_option, official_help

MEANINGS: dict[str, str] = {
    "failed": N_(
        "“{label}” means the transfer to your bank or e-wallet did not go through. Usual "
        "causes: the e-wallet isn't premium/verified, its NIK or phone number differs from "
        "your Prakerja account, or the account is inactive. Now: fix it with {service}, or link "
        "again: “Ubah” → “Ya, Putuskan Rekening” → link the account again."
    ),
    "checking": N_(
        "“{label}” means the program is checking your account data with your bank or "
        "e-wallet. Nothing to do now but keep that account active, verified and in your own "
        "name, and wait for the next status."
    ),
    "not_processed": N_(
        "“{label}” usually comes after the check: your payment is in the queue again (the "
        "program doesn't define it officially). Wait and look again in a few days."
    ),
    "held": N_(
        "“{label}” means the payment is held back. The program hasn't published why; check "
        "that your account is active, verified and in your own name, then ask the official "
        "channels with a screenshot of the status."
    ),
    "scheduled": N_(
        "“{label}” means a payment date is set: the money usually arrives {min}–{max} working "
        "days after it."
    ),
    "processing": N_(
        "“{label}” means the transfer is under way: the money usually arrives {min}–{max} "
        "working days after the scheduled date. Nothing to do but wait."
    ),
    "selection_processing": N_(
        "“{label}” means the selection of your wave isn't finished yet: the result appears in "
        "your dashboard. Nothing to do but wait."
    ),
    "waiting_training": N_(
        "“{label}” means your training isn't finished yet, so nothing is paid yet. Finish it, "
        "wait for the certificate, then give a rating and review in the dashboard."
    ),
    "transferred": N_(
        "“{label}” means the program has sent the money. Check the history in your bank or "
        "e-wallet app. Still not there after {days} working days? Ask {service} first, then "
        "the official channels."
    ),
    "not_selected": N_(
        "“{label}” means you did not pass this wave's selection. The reason is under "
        "“Riwayat Gelombang”. No new registration needed: press “Gabung Gelombang” when the "
        "next wave opens."
    ),
    "no_wave": N_(
        "“{label}” means no wave is open for you right now. Wait for the next wave's "
        "announcement at {website} or {instagram}."
    ),
}


# Said instead when the label is not a documented one: what the participant reports, unquoted.
REPORTED: dict[str, str] = {
    "transferred": N_(
        "You say your dashboard shows the money as transferred. Check the history in your "
        "bank or e-wallet app first. Still not there after {days} working days? Ask {service} "
        "first, then the official channels."
    ),
}

_CONTRAST = re.compile(r"\b(?:sedangkan|sementara|whereas|while)\b")
_SELECTION = ("not_selected", "no_wave", "selection_processing")


def partner_in(ctx: Context, text: str, *, stored: bool = True) -> Partner | None:
    """The bank or e-wallet named in the participant's message, else (unless `stored` is
    False) the one they told the bot they use."""
    named = partner_named(ctx.program, text)
    if named is not None:
        return named
    wallet = ctx.participant.wallet if stored else None
    return next((p for p in ctx.program.partners if p.name == wallet), None)


def _service(ctx: Context, partner: Partner | None) -> str:
    if partner is None:
        return ctx.t._("your bank's or e-wallet's customer service")
    return ctx.t._("{name}'s customer service ({number})").format(
        name=partner.name, number=partner.customer_service
    )


def explain(ctx: Context, quoted: tuple[tuple[StatusEntry, str], ...], text: str) -> list[Reply]:
    """What the latest quoted status means and what to do now (one or two messages)."""
    t, timings, help_ = ctx.t, ctx.program.timings, ctx.program.official_help
    # The latest status counts (a sequence is told in order), except that a failure notice
    # set against another status wins ("dashboard DALAM PENGECEKAN sedangkan notifnya GAGAL"):
    # the failure is the one that needs the participant to act.
    failed = [(e, lbl) for e, lbl in quoted if e.meaning == "failed"]
    contrast = _CONTRAST.search(text.lower()) is not None  # not a sequence told in order
    entry, label = failed[-1] if failed and contrast else quoted[-1]
    partner = partner_in(ctx, text)
    reported = not entry.documented and entry.meaning in REPORTED
    template = REPORTED[entry.meaning] if reported else MEANINGS[entry.meaning]
    meaning = t._(template).format(
        label=label.title(),
        service=_service(ctx, partner),
        min=timings.transfer_working_days_min,
        max=timings.transfer_working_days_max,
        days=topics().facts.transfer_missing_working_days,
        website=ctx.program.program.website,
        instagram=help_.instagram,
    )
    labels = list(dict.fromkeys(lbl.title() for e, lbl in quoted if e.documented))
    if len(labels) > 1:
        said = (
            t._("Your statuses in order: {sequence}. The latest one counts.")
            if (entry, label) == quoted[-1]
            else t._("Your statuses: {sequence}. The failure is what needs you now.")
        )
        meaning = said.format(sequence=" → ".join(labels)) + "\n" + meaning
    if entry.meaning in _SELECTION:
        options: tuple[Option, ...] = (
            Option("intent:selection", t._("Selection and registering")),
            back_option(t),
        )
    else:
        options = (Option("menu:status", t._("Incentive status")), back_option(t))
    if entry.meaning in ("failed", "transferred", "held"):
        return [Reply(meaning), Reply(official_help(ctx), options)]
    return [Reply(meaning, options)]


# A status named only where the post asks whether it could happen ("kalo ganti nomor, apa
# insentif bisa gagal?") is a question about that status, not one the participant pasted.
_COULD = re.compile(
    r"\b(?:kalau|kalo|klo|jika|jikalau|bila|apabila|bisa|bs|bakal|akan|if|could|would|might|"
    r"can|will)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[.!?;\n]+")


def hypothetical(text: str) -> bool:
    """Whether every status the post names follows a word asking whether it could happen
    ("bisa gagal", "kalau gagal"), none of them written in capitals as the dashboard shows
    them."""
    named = False
    for clause in _CLAUSE.split(text):
        found = find_statuses(clause)
        if not found:
            continue
        named = True
        pasted = any(w.isupper() and len(w) >= 4 for w in clause.split())
        words = plain(clause).split()
        could = all(_COULD.search(" ".join(words[max(0, at - 3) : at])) for at, _, _ in found)
        if pasted or not could:
            return False
    return named
