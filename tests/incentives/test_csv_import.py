"""`import-status`: good, bad, unmatched and duplicate rows, a re-import, and bad files."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app.cli import main
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.incentives.csv_import import FileError, import_rows, read_rows
from bot.storage.sqlite import SqliteStore
from bot.storage.store import SqlStore
from handlers.router import route
from tests.feed import outbox, participant
from tests.helpers import WIB_START

HEADER = "phone,ref,item,status,date,reason,note,partner\n"


def _rows(ref: str) -> str:
    return HEADER + (
        "0812-3456-7890,,incentive.1,paid,2021-12-12,,,OVO\n"  # line 2: good, by phone
        f",{ref},incentive.2,menunggu jadwal,2022-01-12,,,\n"  # line 3: good, by ref
        "0812-3456-7890,,incentive.1,paid,2021-12-12,,,OVO\n"  # line 4: duplicate
        "0899-0000-1111,,incentive.3,paid,2021-12-12,,,OVO\n"  # line 5: unmatched
        "0812-3456-7890,,incentive.9,paid,2021-12-12,,,OVO\n"  # line 6: no such item
        "0812-3456-7890,,incentive.3,lunas,2021-12-12,,,OVO\n"  # line 7: unknown status
        "0812-3456-7890,,incentive.3,paid,12/12/2021,,,OVO\n"  # line 8: bad date
        "0812-3456-7890,,incentive.3,paid,2021-12-12,,,BCA 1234567890\n"  # line 9: partner
        ",,incentive.3,paid,2021-12-12,,,OVO\n"  # line 10: nobody
        "0812-3456-7890,,incentive.3,failed,2021-12-20,not_premium,,OVO\n"  # line 11: good
    )


async def test_import_applies_good_rows_and_reports_the_rest(
    engine: Engine, store: SqlStore, program: Program, clock: FakeClock, tmp_path: Path
) -> None:
    ref = await participant(engine, store, "u1", "+6281234567890")
    path = tmp_path / "status.csv"
    path.write_text(_rows(ref), "utf-8")
    summary = await import_rows(store, program, clock, read_rows(path))
    assert (summary.applied, summary.unchanged, summary.unmatched, summary.bad) == (3, 1, 1, 5)
    assert [e.split(":")[0] for e in summary.errors] == [
        "line 5",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
        "line 10",
    ]
    assert "unmatched" in summary.errors[0]  # an operator can find the row that matched no one
    assert "incentive.9" in summary.errors[1] and "lunas" in summary.errors[2]
    assert "never an account number" in summary.errors[4]
    keys = [k for _, _, k in await outbox(store)]
    assert keys == [
        "incentive:1:incentive.1:paid:2021-12-12",
        "incentive:1:surveys",
        "incentive:1:incentive.2:waiting:2022-01-12",
        "incentive:1:incentive.3:failed:2021-12-20:not_premium",
    ]
    history = await store.benefit_history(1)
    again = await import_rows(store, program, clock, read_rows(path))
    assert (again.applied, again.unchanged, again.unmatched, again.bad) == (0, 4, 1, 5)
    assert [k for _, _, k in await outbox(store)] == keys
    assert await store.benefit_history(1) == history


async def test_semicolon_sheets_and_extra_fields(
    engine: Engine, store: SqlStore, program: Program, clock: FakeClock, tmp_path: Path
) -> None:
    ref = await participant(engine, store, "u1", None)
    path = tmp_path / "status.csv"
    path.write_text(
        f"\ufeffRef;Item;Status\n{ref.lower()};survey.1;diproses\n{ref};survey.2;paid;x;y\n",
        "utf-8",
    )
    summary = await import_rows(store, program, clock, read_rows(path))
    assert (summary.applied, summary.bad) == (1, 1)
    assert summary.errors == ["line 3: more fields than columns"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00b\x00a\x00d", "not UTF-8"),
        (b"name,age\nbudi,30\n", "missing columns: item, status, phone or ref"),
        (b"", "missing columns"),
        (b'phone,item,status\n"0812,incentive.1\n', "not a CSV file"),
    ],
)
def test_bad_files_give_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FileError, match=message):
        read_rows(path)


def test_cli_prints_errors_and_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, program: Program
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")

    async def setup() -> str:
        store = await SqliteStore.open(str(db))
        engine = Engine(store, program, FakeClock(WIB_START), route)
        ref = await participant(engine, store, "u1", "+6281234567890")
        await store.close()
        return ref

    ref = asyncio.run(setup())
    path = tmp_path / "status.csv"
    path.write_text(_rows(ref), "utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["import-status", str(path)])
    assert first.exit_code == 0, first.output
    assert "applied 3, unchanged 1, unmatched 1, bad 5" in first.stdout
    assert "line 7: unknown status 'lunas'" in first.stderr
    second = runner.invoke(main, ["import-status", str(path)])
    assert "applied 0, unchanged 4, unmatched 1, bad 5" in second.stdout
    assert second.exit_code == 0, second.output  # the good rows are already in
    all_bad = tmp_path / "all-bad.csv"
    all_bad.write_text(
        HEADER
        + "0812-3456-7890,,incentive.9,paid,2021-12-12,,,OVO\n"
        + "0812-3456-7890,,incentive.3,lunas,2021-12-12,,,OVO\n",
        "utf-8",
    )
    failed = runner.invoke(main, ["import-status", str(all_bad)])
    assert "applied 0, unchanged 0, unmatched 0, bad 2" in failed.stdout
    assert failed.exit_code == 1, failed.output
    assert "no row could be applied: 2 rows are bad" in failed.stderr
    assert "Traceback" not in failed.output
    bad = runner.invoke(main, ["import-status", str(tmp_path / "missing.csv")])
    assert bad.exit_code == 1 and "cannot read" in bad.output
    assert "Traceback" not in bad.output


async def test_conflicting_rows_for_one_item_are_errors_not_five_messages(
    engine: Engine, store: SqlStore, program: Program, clock: FakeClock, tmp_path: Path
) -> None:
    ref = await participant(engine, store, "u1", None)
    path = tmp_path / "status.csv"
    lines = [
        "ref,item,status,date,partner,reason",
        f"{ref},incentive.1,diproses,,,",
        f"{ref},incentive.1,paid,2021-12-12,dana,",
        f"{ref},incentive.1,failed,,,inactive_account",
        f"{ref},survey.1,diproses,,,",
        f"{ref},survey.1,diproses,,,",  # an exact repeat: applied once
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    summary = await import_rows(store, program, clock, read_rows(path))
    assert (summary.applied, summary.unchanged, summary.bad) == (1, 1, 3)
    assert [e.split(":")[0] for e in summary.errors] == ["line 2", "line 3", "line 4"]
    assert all("conflicts with" in e for e in summary.errors)
    kinds = [k for _, _, k in await outbox(store)]
    assert not any("incentive.1" in k for k in kinds)
