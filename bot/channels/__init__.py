"""Channel adapters: the only code that knows a platform (Telegram, WhatsApp, the terminal).

Owns turning a platform's update into an `Incoming`, rendering `Reply`s, the senders, webhooks
and each platform's runtime.
May import: `bot.conversation`, the capabilities, `bot.core`, `bot.storage`; never `bot.app`.
Imported by: `bot.app`.
"""
