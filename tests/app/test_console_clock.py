"""`prakerja-bot console --now`: the console on the clock a 2021 chat ran on (its one clock),
so the pages that count back from today show that chat's messages and deadlines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from bot.app.cli import main
from bot.app.console import console_site
from bot.core.cli_clock import parse_now
from bot.core.clock import Clock, SystemClock
from bot.core.config import load_settings
from tests.console.helpers import PASSWORD, login

NOT_UNDERSTOOD = "qwerty zxcv"


@pytest.fixture
def chatted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Budi onboarded on wave 22 (deadline 30 November 2021) on a 2021 clock and sent a message
    the bot did not understand; "ana" is an admin."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/console.db")
    monkeypatch.setenv("CONSOLE_SECURE_COOKIE", "false")  # the test client speaks plain HTTP
    for name in ("PRAKERJA_LOCALE", "PRAKERJA_TIMEZONE", "PRAKERJA_PROGRAM_FILE"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    chat = runner.invoke(
        main,
        ["chat", "--user", "budi", "--now", "2021-11-20T10:00+07:00"],
        input=f"/start\n22\nWIB\n{NOT_UNDERSTOOD}\n",
    )
    assert chat.exit_code == 0, chat.output
    added = runner.invoke(main, ["operator", "add", "ana", "--role", "admin"], input=PASSWORD)
    assert added.exit_code == 0, added.output
    return tmp_path


async def _pages(clock: Clock) -> tuple[str, str, str]:
    """The not-understood page (7 days), the overview and the participants whose deadline is
    within 30 days, as an admin sees them on `clock`."""
    settings = load_settings()
    async with (
        console_site(settings, clock, "127.0.0.1") as web_app,
        TestClient(TestServer(web_app, host="127.0.0.1")) as client,
    ):
        await login(client, "ana")
        unknown = await (await client.get("/console/unknown?days=7")).text()
        overview = await (await client.get("/console/")).text()
        due = await (await client.get("/console/participants?deadline_days=30")).text()
    return unknown, overview, due


def _passed(overview: str) -> str:
    found = re.search(r'id="passed">([^<]*)<', overview)
    assert found, "no 'past their deadline' tile"
    return found.group(1)


async def test_the_console_on_a_2021_clock_shows_the_2021_chat(chatted: Path) -> None:
    unknown, overview, due = await _pages(parse_now("2021-11-21T10:00+07:00", "Asia/Jakarta"))
    assert NOT_UNDERSTOOD in unknown
    assert _passed(overview) == "0"  # 30 November 2021 is 9 days after the console's now
    assert "PK-" in due  # budi's deadline is within 30 days

    unknown, overview, due = await _pages(SystemClock())  # the real clock: years later
    assert NOT_UNDERSTOOD not in unknown
    assert _passed(overview) == "1"
    assert "PK-" not in due


def test_console_refuses_a_bad_now(chatted: Path) -> None:
    result = CliRunner().invoke(main, ["console", "--now", "tomorrow"])
    assert result.exit_code == 2
    assert (
        "Error: Invalid value for --now: not an ISO-8601 moment like 2021-11-20T10:00+07:00: "
        "'tomorrow'"
    ) in result.output
    assert "Traceback" not in result.output


def test_console_help_mentions_now() -> None:
    result = CliRunner().invoke(main, ["console", "--help"])
    assert result.exit_code == 0 and "--now" in result.output
