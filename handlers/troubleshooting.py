"""The next troubleshooting step of a topic when a problem is reported again (the steps per
topic are data in bot/data/nlu/topics.toml; their texts are here, in the catalogs)."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Option, Reply
from bot.core.i18n import N_
from bot.nlu.topics import topics
from handlers.common import back_option, partners

STEPS: dict[str, str] = {
    "otp_same_number": N_(
        "Still no OTP? Check that the SIM with your Prakerja phone number is in this phone and "
        "has signal, that it is the same number as your e-wallet's, and that the SMS inbox "
        "isn't full. Then request one new code and wait a few minutes."
    ),
    "otp_wait_and_retry": N_(
        "Entered it wrong more than {count} times? Wait {hours} hour before trying again. Still "
        "nothing: ask the customer service of the one sending the code: {service}."
    ),
    "link_own_name_premium": N_(
        "Still failing? Check three things in your e-wallet or bank app: the account is in your "
        "own name with the same NIK, it is premium/verified, and its phone number is your "
        "Prakerja number. Then link it again."
    ),
    "link_partner_service": N_(
        "If all three are right, the problem is on the provider's side: call {service}."
    ),
    "incentive_check_requirements": N_(
        "Still not paid? Check in the dashboard: certificate issued, rating and review given, "
        "account shown as linked. The schedule appears within {sync} hours of the review and "
        "the money {min}–{max} working days after the scheduled date."
    ),
    "incentive_partner_service": N_(
        "All in place and the date has passed? Check the history in your bank or e-wallet app, "
        "then call its customer service: {service}."
    ),
    "certificate_ask_provider": N_(
        "Still no certificate? Ask the training provider or the platform whether they reported "
        "your completion; with no rating button, ask the provider to grade you."
    ),
    "certificate_wait_chain": N_(
        "The report goes provider → platform → Prakerja and can take up to {days} working days "
        "in all. After that, the official channels can check it."
    ),
    "account_reset_by_nik": N_(
        "Still locked out? Try “Lupa Password” with your NIK instead of the e-mail: the page "
        "shows which e-mail the account uses. After several login codes you must wait a while "
        "before asking again."
    ),
    "account_complaint_form": N_(
        "If that doesn't help, send the form at {form}: describe the problem and attach a "
        "screenshot."
    ),
    "training_platform_service": N_(
        "Still not solved? Write to the customer service of the platform where you bought it, "
        "with the invoice number: they can see the purchase."
    ),
    "training_provider_report": N_(
        "If the platform says the provider must act (grading, completion, a new code), contact "
        "the provider named on the training's page."
    ),
    "selection_check_dukcapil": N_(
        "Check the reason under “Riwayat Gelombang”. If your data don't match, call Dukcapil "
        "({dukcapil}) to check your NIK and KK, then join the next wave."
    ),
    "selection_join_next": N_(
        "A wave's result can't be appealed: press “Gabung Gelombang” in the next wave; no new "
        "registration is needed."
    ),
    "dashboard_other_browser": N_(
        "Still not opening? Try another browser, clear its cache, or try again later: the site "
        "is busy at times."
    ),
    "survey_email": N_(
        "Still a problem with the survey? E-mail {email} with the subject “{subject}” and a "
        "screenshot."
    ),
    "buy_platform_service": N_(
        "Payment still failing? Check that the price isn't above your balance and the card "
        "number is typed right; then ask the platform's customer service."
    ),
}


def services(ctx: Context) -> str:
    """Every partner's customer service number, on one line."""
    return ", ".join(f"{p.name} {p.customer_service}" for p in partners(ctx))


def step_count(topic: str) -> int:
    return len(topics().troubleshooting.get(topic, ()))


def step(ctx: Context, topic: str, index: int) -> Reply | None:
    """The topic's troubleshooting step number `index` (0 = the first after the answer)."""
    keys = topics().troubleshooting.get(topic, ())
    if index >= len(keys):
        return None
    t, timings, facts, help_ = (
        ctx.t,
        ctx.program.timings,
        topics().facts,
        ctx.program.official_help,
    )
    text = t._(STEPS[keys[index]]).format(
        count=timings.otp_max_wrong,
        hours=timings.otp_wait_hours,
        service=services(ctx),
        sync=timings.schedule_sync_hours,
        min=timings.transfer_working_days_min,
        max=timings.transfer_working_days_max,
        days=timings.certificate_working_days,
        form=facts.complaint_form,
        dukcapil=facts.dukcapil_phone,
        email=help_.survey_email,
        subject=help_.survey_email_subject,
    )
    return Reply(text, (Option(f"followup:{topic}", t._("Still not working")), back_option(t)))
