"""The outbox: everything the bot sends on its own initiative.

Owns the reminder planner, the delivery worker, the sending policy (rate limits, retries), the
scheduler jobs and the `outbox` CLI. Notices are worded by the conversation, which the app
hands to the delivery worker as a `NoticeBook`; nothing here imports `handlers`.
May import: `bot.core`, `bot.storage`.
Imported by: `bot.app`, `handlers` (the reminder settings, the notice registry).
"""
