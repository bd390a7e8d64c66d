"""While the terminal chat runs, log records go to a file instead of the terminal the
conversation is on: a background job's line (the reminder planner's, the outbox's) would
otherwise land between the bot's replies and the participant's typing.

The file is LOG_FILE (environment only, like LOG_LEVEL), else beside the SQLite database
(`data/prakerja.db` -> `data/prakerja.log`), else `prakerja-chat.log` in the working directory.
Records keep LOG_LEVEL's level and the privacy filter (bot/core/log_privacy.py): ids, never
message text. Warnings and errors stay visible: they are counted, and when the chat ends one
line on stderr says how many there were and where to read them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from bot.core.database_url import parse_database_url

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def chat_log_path(database_url: str) -> Path:
    """Where the chat's log records go (see the module's docstring)."""
    if configured := os.environ.get("LOG_FILE", "").strip():
        return Path(configured)
    at = parse_database_url(database_url)
    if at.kind == "sqlite" and at.target != ":memory:":
        return Path(at.target).with_suffix(".log")
    return Path("prakerja-chat.log")


class _Tally(logging.Handler):
    """Counts the warnings and errors written to the file while the chat runs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _on_terminal(handler: logging.Handler) -> bool:
    """A handler writing to this process's terminal streams (basicConfig's)."""
    return type(handler) is logging.StreamHandler and getattr(handler, "stream", None) in (
        sys.stderr,
        sys.stdout,
    )


@contextmanager
def logs_to_file(path: Path, notice: TextIO | None = None) -> Iterator[None]:
    """Moves the root logger's terminal handlers aside for the block and writes to `path`
    instead; afterwards puts them back and, if warnings or errors were logged, says so in
    one line on `notice` (stderr)."""
    root = logging.getLogger()
    out = notice or sys.stderr
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        out.write(f"cannot write the chat's log to {path} ({exc.strerror}): logs stay here\n")
        yield
        return
    aside = [h for h in root.handlers if _on_terminal(h)]
    to_file.setFormatter(logging.Formatter(FORMAT))
    tally = _Tally()
    for handler in aside:
        root.removeHandler(handler)
    root.addHandler(to_file)
    root.addHandler(tally)
    try:
        yield
    finally:
        root.removeHandler(tally)
        root.removeHandler(to_file)
        to_file.close()
        for handler in aside:
            root.addHandler(handler)
        if tally.count:
            noun = "warning or error" if tally.count == 1 else "warnings or errors"
            out.write(f"{tally.count} {noun} logged during the chat: see {path}\n")
            out.flush()
