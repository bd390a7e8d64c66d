"""Step 4: linking a bank account or e-wallet to receive the incentive."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply
from handlers.common import back_option, partner_names


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; explains the partners, the linking steps and the requirements."""
    t = ctx.t
    banks, wallets = partner_names(ctx, "bank"), partner_names(ctx, "ewallet")
    return [
        Reply(
            t._(
                "Your incentive is paid to a bank account ({banks}) or an e-wallet ({wallets})."
            ).format(banks=banks, wallets=wallets)
        ),
        Reply(
            t._(
                "How to link: log in at {website} → dashboard → “Rekening” → “Sambungkan "
                "Rekening” → choose a bank or e-wallet → “Sambungkan”. Then confirm with the "
                "OTP sent by SMS, on the website."
            ).format(website=ctx.program.program.website)
        ),
        Reply(
            t._(
                "Requirements: the account must be in your own name (same NIK as your Prakerja "
                "account), the e-wallet must be premium/verified, and your Prakerja phone number "
                "must be the e-wallet's number."
            ),
            (
                Option("done:linking", t._("Account linked")),
                Option("menu:otp", t._("About the OTP")),
                back_option(t),
            ),
        ),
    ]
