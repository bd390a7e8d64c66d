"""Bad settings and start-up failures: one line naming the cause, never a traceback or a hang."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app.cli import main
from bot.app.runner import run_services
from bot.app.wiring import open_app
from bot.core.clock import FakeClock
from bot.core.config import ConfigError, StartupError, load_settings
from bot.core.program import ProgramError, load_program
from bot.storage.base import StoreUnavailable
from bot.storage.sqlite import SqliteStore
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.helpers import free_port


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("outbox_backoff_seconds", "inf", "OUTBOX_BACKOFF_SECONDS"),
        ("outbox_backoff_seconds", "nan", "OUTBOX_BACKOFF_SECONDS"),
        ("outbox_interval", "-1", "OUTBOX_INTERVAL"),
        ("telegram_rate", "inf", "TELEGRAM_RATE"),
        ("admin_api_token", " " * 16, "ADMIN_API_TOKEN"),
        ("telegram_bot_token", " " * 16, "TELEGRAM_BOT_TOKEN"),
        ("whatsapp_token", "   ", "WHATSAPP_TOKEN"),
    ],
)
def test_settings_out_of_range_are_refused(setting: str, value: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(**{setting: value})


def test_quiet_start_as_a_bare_number_is_refused(tmp_path: Path) -> None:
    shipped = (Path(__file__).parents[2] / "bot/data/program.toml").read_text("utf-8")
    broken = tmp_path / "program.toml"
    broken.write_text(shipped.replace('quiet_start = "21:00"', "quiet_start = 42"), "utf-8")
    with pytest.raises(ProgramError, match="quiet_start"):
        load_program(broken)


async def test_a_file_that_is_not_sqlite_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not a database\n" * 100)
    with pytest.raises(StoreUnavailable, match="not a usable SQLite database"):
        await SqliteStore.open(str(path))


def test_cli_names_the_bad_database_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("this is not a database\n" * 100)
    result = CliRunner().invoke(
        main, ["chat", "--user", "x"], input="", env={"DATABASE_URL": f"sqlite:///{path}"}
    )
    assert result.exit_code != 0
    assert "not a usable SQLite database" in result.output
    assert "Traceback" not in result.output


async def test_unreachable_bot_api_is_one_line(tmp_path: Path, clock: FakeClock) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        telegram_bot_token=TOKEN,
        telegram_base_url=f"http://127.0.0.1:{free_port()}/bot",
        web_listen=f"127.0.0.1:{free_port()}",
    )
    async with open_app(settings, clock) as app:
        with pytest.raises(StartupError, match="unreachable"):
            await run_services(app)


async def test_busy_port_is_one_line(tmp_path: Path, clock: FakeClock) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        async with FakeBotApi() as api:
            settings = load_settings(
                database_url=f"sqlite:///{tmp_path / 'bot.db'}",
                telegram_bot_token=TOKEN,
                telegram_base_url=api.base_url,
                web_listen=f"127.0.0.1:{port}",
            )
            async with open_app(settings, clock) as app:
                with pytest.raises(StartupError, match=f"WEB_LISTEN: cannot listen on .*{port}"):
                    await run_services(app)
    finally:
        taken.close()
