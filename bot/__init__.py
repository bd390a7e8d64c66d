"""The Prakerja assistant: one package per capability (see docs/architecture.md).

`bot.app` wires; `bot.channels` and `bot.console` face the platforms and the operator;
`bot.conversation` (with the top-level `handlers` package) is the conversation;
`bot.nlu`, `bot.outbox` and `bot.incentives` are the capabilities; `bot.storage` and `bot.core`
are at the bottom.
"""
