"""The one entry point for free text that no step or command took: understanding comes here."""

from __future__ import annotations

from bot.domain import Incoming, Reply
from handlers.common import menu_reply
from handlers.context import Context


async def route(ctx: Context, msg: Incoming, text: str) -> list[Reply]:
    """Stores nothing; says it did not understand and shows the menu."""
    return [menu_reply(ctx, ctx.t._("Sorry, I didn't understand that. Choose from the menu:"))]
