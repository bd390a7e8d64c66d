"""The `prakerja-bot` command as an operator uses it: help, scripted chat, bad configuration."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app.cli import main
from bot.core.program import ProgramError, load_program

SCRIPT = "/start\n22\n1\n/status\n"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env; the default data/ folder lands here
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    for name in ("PRAKERJA_LOCALE", "PRAKERJA_TIMEZONE", "PRAKERJA_PROGRAM_FILE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_help_lists_subcommands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "run" in result.output and "chat" in result.output
    chat_help = CliRunner().invoke(main, ["chat", "--help"])
    assert "--now" in chat_help.output and "--user" in chat_help.output


def test_scripted_chat_with_now(env: Path) -> None:
    result = CliRunner().invoke(
        main, ["chat", "--user", "budi", "--now", "2021-11-20T10:00+07:00"], input=SCRIPT
    )
    assert result.exit_code == 0, result.output
    assert "Selasa, 30 November 2021 pukul 23.59 WIB — 10 hari lagi" in result.output
    assert "  1. Cek dashboard" in result.output
    assert "Progresmu:" in result.output


def test_chat_resumes_across_runs(env: Path) -> None:
    runner = CliRunner()
    runner.invoke(
        main, ["chat", "--user", "sari", "--now", "2021-11-25T08:00+07:00"], input="/start\n22\n"
    )
    second = runner.invoke(
        main, ["chat", "--user", "sari", "--now", "2021-11-25T08:00+07:00"], input="WIT\n"
    )
    assert "pukul 01.59 WIT) — 5 hari lagi" in second.output


def test_numbers_and_labels_pick_options(env: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["chat", "--user", "ani", "--now", "2021-11-20T10:00+07:00"],
        input="/start\n22\nWIB\nPilih platform pelatihan\n",
    )
    assert "Pelatihan bisa dibeli di platform berikut" in result.output


def test_a_number_after_a_restart_picks_the_menu_shown_last(env: Path) -> None:
    runner = CliRunner()
    args = ["chat", "--user", "ani", "--now", "2021-11-20T10:00+07:00"]
    first = runner.invoke(main, args, input="/start\n22\nWIB\n")
    assert "  2. Pilih platform pelatihan" in first.output
    again = runner.invoke(main, args, input="2\n")  # a new process: nothing shown before it
    assert "Pelatihan bisa dibeli di platform berikut" in again.output, again.output


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PRAKERJA_LOCALE", "fr"),
        ("PRAKERJA_TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://nowhere"),
        ("PRAKERJA_PROGRAM_FILE", "/does/not/exist.toml"),
    ],
)
def test_invalid_setting_names_the_variable(
    env: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(main, ["chat"], input="")
    assert result.exit_code != 0
    assert variable in result.output
    assert "Traceback" not in result.output


def test_bad_now_is_refused(env: Path) -> None:
    result = CliRunner().invoke(main, ["chat", "--now", "tomorrow"], input="")
    assert result.exit_code != 0 and "--now" in result.output


def test_bad_program_file_names_the_key(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = Path(__file__).resolve().parents[2] / "bot/data/program.toml"
    broken = env / "program.toml"
    broken.write_text(
        shipped.read_text("utf-8").replace(
            "purchase_window_days = 30", "purchase_window_days = -3"
        )
    )
    monkeypatch.setenv("PRAKERJA_PROGRAM_FILE", str(broken))
    result = CliRunner().invoke(main, ["chat"], input="")
    assert result.exit_code != 0
    assert "schemes.2021.purchase_window_days" in result.output


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('default_scheme = "2021"', 'default_scheme = "1999"', "default_scheme"),
        ("total = 3550000", "total = 3000000", "total"),
        ('before = "7d"', 'before = "seven days"', "reminders.schedule.0.before"),
        ('at = "09:00"', 'at = "9 pagi"', "reminders.schedule.0.at"),
        ('kind = "bank"', 'kind = "koperasi"', "partners.0.kind"),
        ("[[waves]]", "[[wavez]]", "wavez"),
    ],
)
def test_program_validation(tmp_path: Path, old: str, new: str, key: str) -> None:
    shipped = Path(__file__).resolve().parents[2] / "bot/data/program.toml"
    broken = tmp_path / "program.toml"
    broken.write_text(shipped.read_text("utf-8").replace(old, new, 1))
    with pytest.raises(ProgramError, match=key.replace(".", r"\.")):
        load_program(broken)


def test_program_file_not_toml(tmp_path: Path) -> None:
    broken = tmp_path / "program.toml"
    broken.write_text("this is = = not toml")
    with pytest.raises(ProgramError, match="not valid TOML"):
        load_program(broken)


def test_invalid_log_level_is_refused(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    result = CliRunner().invoke(main, ["chat"], input="")
    assert result.exit_code != 0 and "LOG_LEVEL" in result.output


def test_an_import_on_the_chats_clock_falls_due_in_its_time(env: Path) -> None:
    runner = CliRunner()
    chat = runner.invoke(
        main,
        ["chat", "--user", "budi", "--now", "2021-11-20T10:00+07:00"],
        input="/start\n22\nWIB\n/status\n",
    )
    found = re.search(r"PK-[A-Z0-9]{6}", chat.output)
    assert found is not None, chat.output
    sheet = env / "statuses.csv"
    sheet.write_text(
        f"ref,item,status,date,partner\n{found.group(0)},incentive.1,paid,2021-11-22,OVO\n"
    )
    result = runner.invoke(main, ["import-status", "--now", "2021-11-22T09:00+07:00", str(sheet)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(env / "cli.db") as db:
        due = [
            row[0] for row in db.execute("SELECT due_at FROM outbox WHERE kind LIKE 'incentive%'")
        ]
    assert due and all(d.startswith("2021-11-22T02:00") for d in due)  # not today's date


def test_unknown_counts_since_back_from_now(env: Path) -> None:
    runner = CliRunner()
    runner.invoke(
        main,
        ["chat", "--user", "budi", "--now", "2021-11-20T10:00+07:00"],
        input="/start\n22\nWIB\nqwerty zxcv\n",
    )
    on_clock = runner.invoke(main, ["unknown", "--now", "2021-11-21T10:00+07:00", "--since", "7d"])
    assert "qwerty zxcv" in on_clock.output
    today = runner.invoke(main, ["unknown", "--since", "7d"])  # the real clock: years later
    assert "qwerty zxcv" not in today.output


@pytest.mark.parametrize("since", ["lastweek", "2021-11-20T00:00"])
def test_a_bad_since_names_the_option_and_the_format(env: Path, since: str) -> None:
    result = CliRunner().invoke(main, ["unknown", "--since", since])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--since'" in result.output, result.output
    assert "2021-11-20T00:00+07:00" in result.output
    assert "Traceback" not in result.output
