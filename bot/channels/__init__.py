"""Channel adapters: the only code that knows a platform (Telegram, WhatsApp, the terminal).

Owns turning a platform's update into an `Incoming`, rendering `Reply`s, the senders, webhooks
and each platform's runtime.
Each channel (telegram, whatsapp, console) may import `bot.channels.parts`, `handlers`,
`bot.conversation`, the capabilities, `bot.core` and `bot.storage`; never another channel or
`bot.app`. Imported by: `bot.app`.
"""
