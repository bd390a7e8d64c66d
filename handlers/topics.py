"""Answers for selection, account access and training problems: the usual cause, what to do
now, and which official channel helps (facts from bot/data/nlu/topics.toml). These are the
general answers, given only when neither a knowledge-base entry nor a specific case
(handlers/cases.py) fits the post."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply
from bot.nlu.topics import topics
from handlers.common import back_option


async def selection(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains registering, the test, not passing and who may join."""
    t, facts, program = ctx.t, topics().facts, ctx.program
    return [
        Reply(
            t._(
                "Selection is automatic, not first come, first served. It usually fails because "
                "your name, NIK or KK differ from Dukcapil's data, your NIK is still registered "
                "as a student, you receive other government aid, or you had Prakerja before. "
                "The reason is under “Riwayat Gelombang” in your dashboard."
            )
        ),
        Reply(
            t._(
                "What to do now: if your data differ, fix them with Dukcapil ({dukcapil}). Then "
                "press “Gabung Gelombang” again when a wave opens: no new registration needed. "
                "Citizens aged {min_age}–{max_age} who are not in school may join, also workers "
                "and laid-off workers. Waves are announced only at {website} and {instagram}."
            ).format(
                dukcapil=facts.dukcapil_phone,
                min_age=facts.min_age,
                max_age=facts.max_age,
                website=program.program.website,
                instagram=program.official_help.instagram,
            ),
            (Option("intent:next_wave", t._("Registering / the next wave")), back_option(t)),
        ),
    ]


async def account_access(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains logging in, a forgotten e-mail or password, someone else's
    account, changing the phone number and deleting the account (which only the program can)."""
    t, facts = ctx.t, topics().facts
    return [
        Reply(
            t._(
                "I can't open or change your Prakerja account. Forgot the password: choose "
                "“Lupa Password” on the login page, enter your e-mail, NIK or phone number and "
                "open the link sent by e-mail (check spam). Forgot the e-mail, or someone else "
                "made the account: reset with your own NIK; the page shows the e-mail partly "
                "hidden."
            )
        ),
        Reply(
            t._(
                "New phone number: Profile → “Ubah Nomor Handphone” (unlink your bank or "
                "e-wallet first). Someone else's name or data on the account, no access to the "
                "e-mail, or a blocked account: send the form at {form} with photos of your "
                "e-KTP, KK and a selfie with the e-KTP. Deleting the account is not needed: "
                "the program keeps the data confidential."
            ).format(form=facts.complaint_form),
            (back_option(t),),
        ),
    ]


async def training_problem(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains a missing training, voucher and redeem codes, webinars,
    completion reports and refunds."""
    t, facts, timings = ctx.t, topics().facts, ctx.program.timings
    return [
        Reply(
            t._(
                "A bought training that doesn't show, or a code that is refused, is usually on "
                "the platform's side. A “kode voucher” works any time; a “kode redeem” only "
                "from {hours} hour before to {hours} hour after the session starts. Find the "
                "voucher in the platform's purchase history or e-mail and redeem it on the "
                "training provider's site."
            ).format(hours=facts.redeem_window_hours)
        ),
        Reply(
            t._(
                "Webinar: keep your camera on, or you count as absent. Finished but not "
                "reported yet: the provider reports to the platform, then to Prakerja, which "
                "can take up to {days} working days; ask the provider first. A bought training "
                "can't be swapped or paid back in cash. Still stuck: the platform's customer "
                "service, then {help_centre}."
            ).format(
                days=timings.certificate_working_days,
                help_centre=ctx.program.official_help.help_centre,
            ),
            (back_option(t),),
        ),
    ]
