"""The conversation, one topic per module. Nothing here imports a platform library or SQL.

May import: `bot.conversation` (the `Context` a handler gets), the capabilities (`bot.nlu`,
`bot.outbox`, `bot.incentives`), `bot.core` and the `Store` interface.
Imported by: `bot.app` (which hands `handlers.router.route` to the engine).
"""
