"""Libraries' log records never carry what a participant typed (nor the bot token).

python-telegram-bot logs every update and every Bot API call with its parameters at DEBUG
("Processing update %s", "Calling Bot API endpoint `%s` with parameters `%s`", "Set Bot API
URL: %s" with the token), and CRITICAL with the whole received JSON when an update cannot be
parsed; aiohttp and httpx may quote URLs and bodies in their messages and exceptions.

`install()` swaps the log record factory, so every record of a library logger (anything not
under `bot` or `handlers`) is cleaned where it is created, before any handler sees it,
caplog and handlers added later included:
- each argument is kept only if it is a number, a bool, None, or a short word without digits
  or spaces (a method name, a state); anything else (dicts, updates, texts, URLs with the
  token) becomes ‹redacted›;
- an exception is reduced to its type: its message and traceback could quote the data.
Our own loggers log ids by convention (see the handlers), so their records are left alone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

REDACTED = "‹redacted›"
OWN_LOGGERS = ("bot", "handlers", "__main__", "tests")
_WORD = re.compile(r"[A-Za-z_./:`'-]{1,64}")

_original: Callable[..., logging.LogRecord] | None = None


def is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


def _safe(value: object) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and _WORD.fullmatch(value):
        return value
    return REDACTED


def clean(record: logging.LogRecord) -> logging.LogRecord:
    """The record without anything a library could have quoted from a message."""
    if is_own(record.name):
        return record
    args = record.args
    if isinstance(args, Mapping):
        record.args = {key: _safe(value) for key, value in args.items()}
    elif isinstance(args, tuple):
        record.args = tuple(_safe(value) for value in args)
    if not isinstance(record.msg, str):  # a message object (str() could be anything)
        record.msg = REDACTED
    if record.exc_info and record.exc_info[0] is not None:
        kind = record.exc_info[0].__name__
        record.exc_info = None
        record.exc_text = None
        record.msg = f"{record.msg} [{kind}]"
    record.stack_info = None
    return record


def install() -> None:
    """Cleans every library record from now on (idempotent)."""
    global _original
    if _original is not None:
        return
    _original = logging.getLogRecordFactory()
    previous = _original

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return clean(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
