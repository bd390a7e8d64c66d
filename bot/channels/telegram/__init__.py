"""The Telegram channel on python-telegram-bot 22: the only code that imports `telegram`."""

from __future__ import annotations

import os

# Opt in to python-telegram-bot's future `timedelta` time periods (e.g. RetryAfter.retry_after)
# so the library does not warn on every rate-limit answer.
os.environ.setdefault("PTB_TIMEDELTA", "true")
