"""Input that can't be used as is: secrets (warned about, never kept), empty, too long, emoji."""

from __future__ import annotations

import logging

from bot.conversation.context import Context
from bot.core.domain import Reply
from bot.core.safety import MAX_LENGTH, Problem, Secret

log = logging.getLogger(__name__)


def secret_warning(ctx: Context, secret: Secret) -> Reply:
    """The warning for a secret that was sent by mistake (the secret itself is never repeated)."""
    t = ctx.t
    log.info("participant %s sent a %s; not stored", ctx.participant.id, secret.value)
    texts = {
        Secret.OTP: t._("Never share an OTP code with anyone, including this bot."),
        Secret.IDENTITY: t._(
            "Don't send your NIK, KK or card number here. I don't need it and I haven't kept it."
        ),
        Secret.PASSWORD: t._(
            "Never share your PIN or password with anyone, including this bot. I haven't kept it."
        ),
        Secret.ACCOUNT: t._(
            "Don't send your bank account number here. I don't need it and I haven't kept it."
        ),
    }
    return Reply("⚠️ " + texts[secret])


def problem_reply(ctx: Context, problem: Problem) -> Reply:
    """A polite answer to a message that can't be read."""
    t = ctx.t
    texts = {
        Problem.EMPTY: t._("Your message was empty. Please type your question."),
        Problem.TOO_LONG: t._(
            "Your message is too long for me (more than {limit} characters). Please send a "
            "shorter one."
        ).format(limit=t.number(MAX_LENGTH)),
        Problem.EMOJI_ONLY: t._("🙂 I can only read text. Please type your question."),
    }
    return Reply(texts[problem])


def unsupported_reply(ctx: Context) -> Reply:
    """For stickers, photos, voice notes, locations: ask for text."""
    return Reply(ctx.t._("I can only read text messages. Please send your question as text."))
