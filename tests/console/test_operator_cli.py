"""`prakerja-bot operator add/list/remove/password`: passwords from stdin, Argon2 hashes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app.cli import main
from bot.console.auth import verify_password
from bot.storage.sqlite import SqliteStore
from tests.console.helpers import PASSWORD, csrf_of
from tests.helpers import free_port


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ops.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def _hash(db: Path, name: str) -> str:
    async def read() -> str:
        store = await SqliteStore.open(str(db))
        try:
            found = await store.operator(name)
            assert found is not None
            return found.password_hash
        finally:
            await store.close()

    return asyncio.run(read())


def test_add_list_password_remove(db: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(
        main, ["operator", "add", "ana", "--role", "admin"], input="a long secret phrase\n"
    )
    assert added.exit_code == 0, added.output
    stored = _hash(db, "ana")
    assert stored.startswith("$argon2id$") and "a long secret" not in stored
    assert verify_password(stored, "a long secret phrase")
    assert (
        runner.invoke(main, ["operator", "add", "budi"], input="another long one\n").exit_code == 0
    )
    listed = runner.invoke(main, ["operator", "list"])
    assert "ana\tadmin" in listed.output and "budi\tagent" in listed.output
    twice = runner.invoke(main, ["operator", "add", "ana"], input="a long secret phrase\n")
    assert twice.exit_code != 0 and "already exists" in twice.output
    changed = runner.invoke(main, ["operator", "password", "ana"], input="a brand new phrase\n")
    assert changed.exit_code == 0
    assert verify_password(_hash(db, "ana"), "a brand new phrase")
    assert runner.invoke(main, ["operator", "remove", "budi"]).exit_code == 0
    assert "budi" not in runner.invoke(main, ["operator", "list"]).output
    missing = runner.invoke(main, ["operator", "remove", "budi"])
    assert missing.exit_code != 0 and "no operator named 'budi'" in missing.output


def test_short_passwords_and_bad_roles_are_refused(db: Path) -> None:
    runner = CliRunner()
    short = runner.invoke(main, ["operator", "add", "ana"], input="too short\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    role = runner.invoke(main, ["operator", "add", "ana", "--role", "boss"], input="x" * 20)
    assert role.exit_code != 0 and "boss" in role.output


def test_console_command_serves_the_console_alone(db: Path) -> None:
    """`prakerja-bot console --now` on a loopback port: the login page, the pages on the
    given clock (a 2021 chat's message is among the last 7 days'), then a clean stop."""
    runner = CliRunner()
    chat = runner.invoke(
        main,
        ["chat", "--user", "budi", "--now", "2021-11-20T10:00+07:00"],
        input="/start\n22\nWIB\nqwerty zxcv\n",
    )
    assert chat.exit_code == 0, chat.output
    added = runner.invoke(main, ["operator", "add", "ana", "--role", "admin"], input=PASSWORD)
    assert added.exit_code == 0, added.output
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "CONSOLE_SECURE_COOKIE": "false"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    listen, now = f"127.0.0.1:{port}", "2021-11-21T10:00+07:00"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--listen", listen, "--now", now],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/console"
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    try:
        # the child trains the shipped knowledge base's models at start (the test session's
        # cache folder is empty): tens of seconds on a busy machine
        deadline = time.monotonic() + 180
        while True:
            try:
                with browser.open(f"{base}/login") as page:
                    assert page.status == 200
                    form = page.read().decode()
                    assert "Masuk" in form
                    break
            except OSError:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the console did not start"
                time.sleep(0.2)
        fields = {"csrf": csrf_of(form), "name": "ana", "password": PASSWORD}
        with browser.open(f"{base}/login", urllib.parse.urlencode(fields).encode()) as landing:
            assert landing.status == 200
        with browser.open(f"{base}/unknown?days=7") as unknown:
            assert "qwerty zxcv" in unknown.read().decode()  # counted back from --now
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert f"http://127.0.0.1:{port}/console/" in out.decode()


def test_console_command_checks_listen() -> None:
    result = CliRunner().invoke(main, ["console", "--listen", "nowhere"])
    assert result.exit_code != 0 and "HOST:PORT" in result.output
