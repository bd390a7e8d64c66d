"""The participant's language: switching between Indonesian and English (/bahasa, "english
please", "pakai bahasa indonesia"), and following the language each message is written in."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply
from bot.nlu.cues import cues
from handlers import onboarding
from handlers.common import menu_reply

_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


async def ask(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; offers the languages."""
    return [
        Reply(
            ctx.t._("Choose your language:"),
            tuple(Option(f"lang:{code}", name) for code, name in _NAMES.items()),
        )
    ]


async def choose(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the chosen language; shows the menu in it, or asks the onboarding question."""
    code = (msg.choice or "").removeprefix("lang:")
    if code not in _NAMES:
        return await ask(ctx, msg)
    ctx.participant.locale = code
    ctx.retranslate()
    text = ctx.t._("Language set to {language}.").format(language=_NAMES[code])
    if not ctx.participant.onboarded:
        return [Reply(text), *await onboarding.start(ctx, msg)]
    return [menu_reply(ctx, text)]


def switch(ctx: Context, code: str) -> Reply:
    """Stores the language asked for in words ("english please") and says so."""
    ctx.participant.locale = code
    ctx.retranslate()
    return Reply(ctx.t._("Language set to {language}.").format(language=_NAMES[code]))


def follow(ctx: Context, text: str) -> None:
    """Stores the language a message is clearly written in, so it is answered in it (whatever
    was stored before); a short or mixed message changes nothing."""
    found = cues().language_of(text)
    if found is not None and found != ctx.participant.locale:
        ctx.participant.locale = found
        ctx.retranslate()
