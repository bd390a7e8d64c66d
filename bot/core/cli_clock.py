"""The `--now` option every command that writes or reads the conversation's time takes
(`chat`, `run`, `import-status`, `unknown`, `console`): the bot's clock starts at that moment,
so a participant chatting on a 2021 clock sees what an import made on the same clock sends."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click

from bot.core.clock import Clock, ShiftedClock, SystemClock

now_option = click.option(
    "--now",
    metavar="ISO-8601",
    help="Start the bot's clock at this moment (e.g. 2021-11-20T10:00+07:00); "
    "time runs forward from it.",
)


def parse_now(value: str | None, zone: str) -> Clock:
    """The real clock, or one that starts at `value` (in `zone` when it names none)."""
    if value is None:
        return SystemClock()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"not an ISO-8601 moment like 2021-11-20T10:00+07:00: {value!r}", param_hint="--now"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return ShiftedClock(moment)
