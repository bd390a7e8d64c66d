"""Input that can't be used as is: secrets (warned about, never kept), empty, too long, emoji."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from babel.lists import format_list

from bot.conversation.context import Context
from bot.core.domain import MEDIA, Incoming, Reply
from bot.core.i18n import N_
from bot.core.safety import MAX_LENGTH, Problem, Secret

log = logging.getLogger(__name__)


# What the participant sent, named from the words around it (the value itself never shown).
_NAMES: tuple[tuple[Secret, re.Pattern[str], str], ...] = (
    (Secret.IDENTITY, re.compile(r"\b(?:kk|kartu keluarga)\b", re.I), N_("KK number")),
    (Secret.IDENTITY, re.compile(r"\b(?:nik|ktp|e-?ktp)\b", re.I), N_("NIK")),
    (
        Secret.IDENTITY,
        re.compile(
            r"\b(?:kartu (?:kredit|debit|atm)|credit card|debit card|visa|mastercard)\b", re.I
        ),
        N_("bank card number"),
    ),
    (
        Secret.IDENTITY,
        re.compile(r"\b(?:kartu|card|no\.? ?kartu|nomor kartu|prakerja)\b", re.I),
        N_("Kartu Prakerja card number"),
    ),
    (Secret.IDENTITY, re.compile(r""), N_("NIK, KK or card number")),
    (Secret.CVV, re.compile(r""), N_("CVV code")),
    (Secret.PIN, re.compile(r""), N_("PIN")),
    (Secret.PASSWORD, re.compile(r""), N_("password")),
    (Secret.ACCOUNT, re.compile(r""), N_("bank account number")),
    (Secret.OTP, re.compile(r""), N_("OTP code")),
)
WARNED = "secret_warned"


def secret_name(ctx: Context, secret: Secret, text: str) -> str:
    """The name of what was sent: "NIK", "PIN", "KK number", "bank account number"..."""
    for kind, pattern, name in _NAMES:
        if kind == secret and pattern.search(text):
            return ctx.t._(name)
    return ctx.t._("OTP code")


def secret_warning(ctx: Context, secrets: Secret | Sequence[Secret], text: str = "") -> Reply:
    """The one warning of a reply about secrets sent by mistake, naming each kind that was sent
    ("NIK dan kode OTP"); the secrets themselves are never repeated."""
    t = ctx.t
    kinds = [secrets] if isinstance(secrets, Secret) else list(secrets)
    log.info(
        "participant %s sent %s; not stored", ctx.participant.id, ",".join(k.value for k in kinds)
    )
    ctx.extras[WARNED] = True
    names = list(dict.fromkeys(secret_name(ctx, kind, text) for kind in kinds))
    name = format_list(names, locale=t.locale)
    if len(names) > 1:  # "your NIK and PIN ... share them"
        said = t._(
            "You sent your {secrets}. Never share them with anyone, including this bot: I "
            "don't need them and I haven't kept them."
        ).format(secrets=name)
    else:
        said = t._(
            "You sent your {secret}. Never share it with anyone, including this bot: I don't "
            "need it and I haven't kept it."
        ).format(secret=name)
    return Reply("⚠️ " + said)


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


# What a message the bot cannot read was -> a short, kind reply asking to type.
_MEDIA_REPLIES = {
    "voice": N_(
        "🎙️ I can't listen to voice notes, sorry. Could you type your question? A few words "
        "are enough."
    ),
    "sticker": N_("Nice sticker! 😄 I can only read words, though: what can I help you with?"),
    "location": N_(
        "Thanks for the location! I don't need it: everything in the program happens online. "
        "Please type your question."
    ),
    "contact": N_(
        "I can't do anything with a contact card. Please type your question instead (and only "
        "share your own number when I ask for it)."
    ),
}
_PHOTO = N_("I can only read text messages. Please send your question as text.")


async def unsupported(ctx: Context, msg: Incoming) -> Reply:
    """Counts the kind of message (voice note, sticker, location, contact...) and asks for
    text in words that fit it."""
    kind = msg.media if msg.media in MEDIA else "other"
    await ctx.store.record_media(kind, ctx.now())
    return Reply(ctx.t._(_MEDIA_REPLIES.get(kind, _PHOTO)))
