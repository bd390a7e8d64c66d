"""The terminal chat keeps log records off the terminal the conversation is on: they go to a
file (bot/app/chat_log.py), and warnings or errors are named in one line when the chat ends."""

from __future__ import annotations

import io
import logging
import os
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from bot.app.chat_log import chat_log_path, logs_to_file

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ")
FREE_TEXT = "insentif aku kok blm cair ya min"


def _chat(tmp_path: Path, script: str, wait_for: str = "") -> tuple[str, str]:
    """A chat process fed `script`; its input ends once the log file holds `wait_for`.
    Returns its stdout and stderr."""
    env = {k: v for k, v in os.environ.items() if k not in ("LOG_FILE", "PRAKERJA_LOCALE")}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "LOG_LEVEL": "INFO"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--user", "x", "--now", "2021-11-20T10:00+07:00"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert process.stdin is not None
    process.stdin.write(script)
    process.stdin.flush()
    log_file = tmp_path / "x.log"
    for _ in range(600):  # a background job's record, written while the chat runs
        if wait_for in (log_file.read_text("utf-8") if log_file.exists() else ""):
            break
        time.sleep(0.1)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out, err


def test_chat_logs_go_to_a_file_and_warnings_are_named_at_the_end(tmp_path: Path) -> None:
    out, err = _chat(tmp_path, f"/start\n22\nWIB\n{FREE_TEXT}\n", "reminder rows planned")
    assert "Mau ngapain sekarang?" in out
    assert not LOG_LINE.search(out + err), err
    assert err == ""  # LOG_LEVEL=INFO, and still nothing on the terminal

    # Reminders lost (as after a crash): the planner's housekeeping re-plans them with a
    # warning while the next chat runs.
    with closing(sqlite3.connect(tmp_path / "x.db")) as db, db:
        db.execute("DELETE FROM outbox")
    out, err = _chat(tmp_path, "/status\n", "re-planned reminders")
    assert "Progresmu:" in out
    assert not LOG_LINE.search(out + err), err
    log_file = tmp_path / "x.log"
    assert err.strip().splitlines() == [
        f"1 warning or error logged during the chat: see {log_file}"
    ]

    written = log_file.read_text("utf-8")
    assert "INFO bot.conversation.engine: participant 1 at step menu" in written
    assert "WARNING bot.outbox.planner: re-planned reminders for 1 participants" in written
    assert FREE_TEXT not in written and "insentif aku" not in written


def test_the_log_file_is_log_file_or_beside_the_sqlite_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOG_FILE", raising=False)
    assert chat_log_path("sqlite:///data/prakerja.db") == Path("data/prakerja.log")
    assert chat_log_path("postgresql://bot@db/prakerja") == Path("prakerja-chat.log")
    monkeypatch.setenv("LOG_FILE", str(tmp_path / "chat.log"))
    assert chat_log_path("sqlite:///data/prakerja.db") == tmp_path / "chat.log"


def test_terminal_handler_is_set_aside_and_put_back(tmp_path: Path) -> None:
    terminal = io.StringIO()
    handler = logging.StreamHandler(terminal)
    root = logging.getLogger()
    notice = io.StringIO()
    old_stderr, old_level = sys.stderr, root.level
    sys.stderr = terminal  # the handler basicConfig puts on the terminal's stderr
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        with logs_to_file(tmp_path / "logs" / "chat.log", notice):
            logging.getLogger("bot.outbox.planner").info("participant %s planned", 7)
            logging.getLogger("bot.outbox.jobs").error("delivery run failed")
        logging.getLogger("bot.app").warning("after the chat")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        sys.stderr = old_stderr
    assert terminal.getvalue() == "after the chat\n"
    written = (tmp_path / "logs" / "chat.log").read_text("utf-8")
    assert "participant 7 planned" in written and "delivery run failed" in written
    assert (
        notice.getvalue()
        == f"1 warning or error logged during the chat: see {tmp_path}/logs/chat.log\n"
    )
