"""Specific cases inside a topic ("ganti nomor hp", "dana punya istri"): the case whose
phrases the participant's words contain (bot/data/nlu/topics.toml, `[[cases]]`) is answered
first with its own facts; with no case matched the topic's general answer stays."""

from __future__ import annotations

from functools import lru_cache

from bot.conversation.context import Context
from bot.core.domain import Option, Reply
from bot.core.i18n import N_
from bot.core.program import Scheme
from bot.nlu import classifier
from bot.nlu.topics import Case, topics
from handlers.common import back_option, partner_names
from handlers.statuses import partner_in

# Each case's answer: one or two messages (English msgids; the values come from _values()).
ANSWERS: dict[str, tuple[str, ...]] = {
    "scam_code": (
        N_(
            "Prakerja never asks for a code, OTP, PIN or password, not by phone and not by "
            "chat: whoever asked is a scammer. If you gave one: change your Prakerja password "
            "now and call your bank's or e-wallet's customer service to secure the account."
        ),
        N_(
            "Then report it to the program: {contact_centre} (free), {email} or the form at "
            "{form}."
        ),
    ),
    "forgot_password": (
        N_(
            "Forgot the password: choose “Lupa Password” on the login page, enter your e-mail, "
            "NIK or phone number and open the reset link sent by e-mail (check spam too). I "
            "can't open or change your account myself."
        ),
    ),
    "change_phone": (
        N_(
            "To change your phone number: first unlink your bank or e-wallet (“Ubah” → “Ya, "
            "Putuskan Rekening”), then in your Profile choose “Ubah Nomor Handphone”, enter the "
            "new number and the OTP sent to it, then link your account again. Never give that "
            "OTP to anyone."
        ),
    ),
    "delete_account": (
        N_(
            "Deleting your Prakerja account isn't needed: the program keeps your data "
            "confidential, and not passing selection is no reason to delete it. Your NIK stays "
            "tied to this one account, so keep it for the next waves. I can't delete or change "
            "accounts; for a problem with it, use the form at {form}."
        ),
    ),
    "verification_email": (
        N_(
            "No verification e-mail? Look in the spam and promotions folders and check that the "
            "address was typed right, then ask for it again. Still nothing: send the report "
            "form at {form}."
        ),
    ),
    "someone_elses_data": (
        N_(
            "Your name, NIK and KK are checked against Dukcapil's data, so a wrong name or "
            "someone else's data is fixed with Dukcapil ({dukcapil}), not in the account. If "
            "someone else made or uses an account with your NIK, send the form at {form} with "
            "photos of your e-KTP, KK and a selfie holding the e-KTP."
        ),
    ),
    "lost_email": (
        N_(
            "Lost the e-mail: choose “Lupa Password” and reset with your own NIK; the page "
            "shows the account's e-mail partly hidden. No longer able to open that e-mail: the "
            "program documents no way to change it yourself; write to {email} with your NIK "
            "and phone number, or use the form at {form}."
        ),
    ),
    "webinar_absent": (
        N_(
            "In a webinar, a camera that is off counts as absent and can fail the training, and "
            "nobody may attend for you (there can be face checks). Keep the camera on for the "
            "whole session; if you were marked absent, ask the training provider, who grades "
            "it."
        ),
    ),
    "refund": (
        N_(
            "A bought training can't be swapped for another, and the training balance can't be "
            "cashed or transferred. If you bought the wrong one, finishing it still counts for "
            "your certificate. A session the provider cancels is different: ask the platform's "
            "customer service about the refund."
        ),
    ),
    "voucher_code": (
        N_(
            "A bought training that doesn't show, or a code that is refused, is usually on "
            "the platform's side. A “kode voucher” works any time; a “kode redeem” only "
            "from {hours} hour before to {hours} hour after the session starts. Find the "
            "voucher in the platform's purchase history or e-mail and redeem it on the "
            "training provider's site."
        ),
    ),
    "training_not_found": (
        N_(
            "“Kursus tidak ditemukan”, or a bought training missing on the platform, usually "
            "clears within a few days while the data is loaded. Still missing after that: "
            "contact the platform's customer service with your purchase proof (invoice or "
            "e-mail)."
        ),
    ),
    "completion_not_reported": (
        N_(
            "Your completion goes from the training provider to the platform, then to Prakerja "
            "(daily). Training still unfinished or no rating button: ask the provider to grade "
            "and report it first, then the platform. The whole chain can take up to {days} "
            "working days."
        ),
    ),
    "premium_rejected": (
        N_(
            "An upgrade is usually refused for an e-KTP photo that is damaged, blurred, "
            "cropped, dark or with flash, a photocopy or scan, a covered face or the wrong ID. "
            "DANA also refuses a KTP already on another DANA account or a name that doesn't "
            "match; OVO allows one e-KTP per Premier account."
        ),
        N_(
            "Retake the photos in good light and submit again in the e-wallet app (GoPay "
            "checks in about 1×24 hours, OVO in 1–3 working days). Still refused: {service}."
        ),
    ),
    "phone_mismatch": (
        N_(
            "Your Prakerja phone number must be the e-wallet's number. Change the Prakerja one "
            "in your Profile → “Ubah Nomor Handphone” (unlink first: “Ubah” → “Ya, Putuskan "
            "Rekening”), enter the OTP sent to the new number, then link the e-wallet again."
        ),
    ),
    "family_wallet": (
        N_(
            "No: the bank account or e-wallet must be your own, with the same NIK as your "
            "Prakerja account, premium/verified, and on your Prakerja phone number. A spouse's "
            "or relative's account is refused. Open and upgrade one in your own name, then "
            "link it."
        ),
    ),
    "which_banks": (
        N_(
            "The incentive can go to a bank account at {banks} or to an e-wallet: {wallets}. "
            "Only these can be linked, and the account must be in your own name."
        ),
    ),
    "eligibility": (
        N_(
            "Indonesian citizens aged {min_age}–{max_age} who are not in formal education may "
            "join: job seekers, laid-off workers, workers (also furloughed or without a wage) "
            "and micro or small business owners. Not allowed: state officials, DPRD members, "
            "civil servants (ASN), TNI, Polri, village heads and officials, and BUMN/BUMD "
            "boards. At most 2 NIKs per family card (KK)."
        ),
    ),
    "joki": (
        N_(
            "Registration is free and only at {website}; selection is automatic, so nobody can "
            "be paid to make you pass. “Joki” (paid agents) and WhatsApp numbers using the "
            "program's name are scams: don't give them your NIK, password or any code."
        ),
    ),
    "no_app": (
        N_(
            "Prakerja has no official app: apps in the Play Store using its name are fake. "
            "Open {website} in your phone's browser instead."
        ),
    ),
    "incentive_monthly": (
        N_(
            "Your scheme pays the incentive as {schedule}. Each payment is scheduled on its "
            "own, about a month apart, so a single payment after the first month is normal: "
            "the next one comes the month after."
        ),
    ),
    "incentive_once": (  # incentive_monthly for a scheme that pays once
        N_(
            "Your scheme ({scheme}) pays the incentive once: {amount}, after the certificate, "
            "the rating and review and a linked account. Four monthly payments were the rule "
            "of the earlier schemes, not of yours."
        ),
    ),
    "fund_not_cashable": (
        N_(
            "The training balance can't be cashed or transferred: it only buys trainings. What "
            "is left can still buy trainings until {fund_days} days after you finish your "
            "first training and give its rating; after that it goes back to the State "
            "Treasury."
        ),
    ),
    "incentive_timing": (
        N_(
            "After the certificate, give the rating and review and link your account: the "
            "payment schedule then appears in your dashboard within {sync_hours} hours, and "
            "the money arrives {min}–{max} working days after the scheduled date."
        ),
    ),
}


@lru_cache(maxsize=1024)
def _words(locale: str, phrase: str) -> frozenset[str]:
    return frozenset(classifier(locale).normalizer.tokens(phrase))


def find(locale: str, intent: str, text: str) -> Case | None:
    """The case of `intent` that the text selects (longest phrase wins; first on a tie)."""
    words = set(classifier(locale).normalizer.tokens(text))
    best: tuple[int, Case] | None = None
    for case in topics().cases:
        if intent not in case.intents:
            continue
        phrases = case.phrases.get(locale, ()) + (
            case.phrases.get("en", ()) if locale == "id" else ()
        )
        for phrase in phrases:
            need = _words(locale, phrase)
            if need and need <= words and (best is None or len(need) > best[0]):
                best = (len(need), case)
    return best[1] if best else None


def _scheme(ctx: Context) -> Scheme:
    program = ctx.program
    return program.schemes[ctx.participant.scheme or program.program.default_scheme]


def _incentive(ctx: Context) -> tuple[int, int]:
    """How many incentive payments the participant's scheme makes, and each one's amount."""
    incentive = _scheme(ctx).benefit("incentive")
    return (incentive.count, incentive.amount) if incentive else (0, 0)


def _values(ctx: Context, text: str) -> dict[str, object]:
    """Everything an answer may name, from the program file and the topic facts."""
    t, program, facts = ctx.t, ctx.program, topics().facts
    help_, timings = program.official_help, program.timings
    scheme = _scheme(ctx)
    count, amount = _incentive(ctx)
    partner = partner_in(ctx, text)
    return {
        "contact_centre": help_.contact_centre,
        "email": help_.email,
        "form": facts.complaint_form,
        "dukcapil": facts.dukcapil_phone,
        "website": program.program.website,
        "hours": facts.redeem_window_hours,
        "days": timings.certificate_working_days,
        "min_age": facts.min_age,
        "max_age": facts.max_age,
        "fund_days": facts.leftover_fund_days,
        "sync_hours": timings.schedule_sync_hours,
        "min": timings.transfer_working_days_min,
        "max": timings.transfer_working_days_max,
        "banks": partner_names(ctx, "bank"),  # the participant's scheme's, with their dates
        "wallets": partner_names(ctx, "ewallet"),
        "service": t._("{name}'s customer service ({number})").format(
            name=partner.name, number=partner.customer_service
        )
        if partner
        else t._("the e-wallet's customer service"),
        "count": count,
        "amount": t.money(amount),
        "scheme": scheme.name,
        "schedule": t._("{count} × {amount}, one payment a month ({total} in all)").format(
            count=count, amount=t.money(amount), total=t.money(count * amount)
        ),
    }


def answer(ctx: Context, intent: str, text: str, more: Option | None) -> list[Reply] | None:
    """The matched case's answer (with a button to the topic's general answer), or None."""
    case = find(ctx.t.locale, intent, text) if text else None
    if case is None or case.key not in ANSWERS:
        return None
    values = _values(ctx, text)
    key = case.key
    if key == "incentive_monthly" and _incentive(ctx)[0] <= 1:
        key = "incentive_once"
    texts = [ctx.t._(msgid).format(**values) for msgid in ANSWERS[key]]
    options = (*((more,) if more else ()), back_option(ctx.t))
    return [*(Reply(x) for x in texts[:-1]), Reply(texts[-1], options)]
