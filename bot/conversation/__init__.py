"""The conversation engine: one message in, replies out.

Owns loading and saving the participant around a message, per-participant ordering and the
observers that react to a change. The router (the `handlers` package) is injected by the app.
May import: `bot.core`, `bot.storage` and the capabilities
(`bot.nlu`, `bot.outbox`, `bot.incentives`).
Imported by: `handlers` (the `Context`), `bot.app`, `bot.channels`.
"""
