"""Every kind of message the bot sends on its own initiative, from one ordered list of the
topic modules that define them (each exports `NOTICES`); the app builds its NoticeRegistry
from `all_notices()`, as the router lists the handlers."""

from __future__ import annotations

from handlers import broadcasts, handoff, incentive_notices, reminders, reply_later, satisfaction
from handlers.notices import Notice, merge

TOPICS = (reminders, incentive_notices, handoff, satisfaction, reply_later, broadcasts)


def all_notices() -> dict[str, Notice]:
    """Every topic module's kinds, in the order of `TOPICS`."""
    return merge(*(topic.NOTICES for topic in TOPICS))
