"""The command menu Telegram shows next to the text box, in Indonesian and English."""

from __future__ import annotations

from telegram import Bot, BotCommand

from bot.core.i18n import N_, Translator

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start or set your deadline again")),
    ("menu", N_("Show the main menu")),
    ("status", N_("Your progress and deadline")),
    ("pengingat", N_("Reminder settings")),
    ("berhenti", N_("Stop reminders")),
    ("hapus", N_("Delete everything the bot keeps about you")),
    ("bantuan", N_("Help and official contacts")),
    ("bahasa", N_("Change language")),
    ("batal", N_("Cancel and go back to the menu")),
)


def bot_commands(locale: str) -> list[BotCommand]:
    t = Translator(locale, "Asia/Jakarta")
    return [BotCommand(name, t._(description)) for name, description in COMMANDS]


async def register_commands(bot: Bot) -> None:
    """Indonesian for everyone, English for users whose Telegram is in English."""
    await bot.set_my_commands(bot_commands("id"))
    await bot.set_my_commands(bot_commands("en"), language_code="en")
