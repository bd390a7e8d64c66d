"""Help: what the bot can do, its commands, and the official help channels."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, Reply
from handlers.common import main_options, official_help


async def show(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing; lists the commands and the official channels."""
    t = ctx.t
    commands = t._(
        "Commands:\n"
        "/menu – the main menu\n"
        "/status – your progress and deadline\n"
        "/reminders – reminder settings\n"
        "/stop – stop reminders\n"
        "/language – change language\n"
        "/delete – delete all your data\n"
        "/cancel – cancel and go back to the menu\n"
        "Or just write: “I want to talk to a person” reaches our team."
    )
    return [
        Reply(
            t._(
                "I'm an assistant, not the official Kartu Prakerja program. I explain the steps, "
                "keep track of your deadline and remind you before it."
            )
        ),
        Reply(commands),
        Reply(official_help(ctx), main_options(ctx)),
    ]
