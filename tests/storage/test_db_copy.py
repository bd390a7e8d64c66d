"""`prakerja-bot db upgrade` and `db copy`: SQLite to PostgreSQL and back, every row."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app.cli import main
from bot.core.benefits import Item, Source, Status
from bot.core.domain import Participant
from bot.storage import open_store
from bot.storage.copy import SKIPPED
from tests.pg import pg_schema, schema_url

NOW = datetime(2021, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    async with pg_schema() as schema:
        yield schema_url(schema)


async def _fill(url: str, people: int) -> None:
    store = await open_store(url)
    try:
        for n in range(people):
            p = await store.save_participant(
                Participant("telegram", f"u{n}", f"u{n}", "id", "Asia/Jakarta", f"PK-{n:06}", NOW)
            )
            assert p.id is not None
            p.progress["bought"] = NOW
            await store.save_participant(p)
            await store.enqueue(
                p.id, "reminder", NOW + timedelta(days=1), {"n": n}, f"k{n}", now=NOW
            )
            item = Item("training_fund", "training_fund", 0, 3_500_000, Status.PAID, NOW.date())
            await store.change_benefit_item(p.id, item, Source.OPERATOR, NOW)
        await store.whatsapp_claim_inbound("wamid.1", NOW)
    finally:
        await store.close()


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in SKIPPED
        ]
        return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        db.close()


def test_copy_to_postgres_and_back_keeps_every_row(tmp_path: Path, pg_url: str) -> None:
    source = tmp_path / "a.db"
    asyncio.run(_fill(f"sqlite:///{source}", 7))
    runner = CliRunner()
    result = runner.invoke(main, ["db", "copy", f"sqlite:///{source}", pg_url, "--batch", "3"])
    assert result.exit_code == 0, result.output
    assert "participants" in result.output and "copied and verified" in result.output

    again = runner.invoke(main, ["db", "copy", f"sqlite:///{source}", pg_url])
    assert again.exit_code != 0 and "already holds rows" in again.output
    resumed = runner.invoke(main, ["db", "copy", f"sqlite:///{source}", pg_url, "--resume"])
    assert resumed.exit_code == 0, resumed.output  # rows already there are skipped

    async def new_participant_after_copy() -> int | None:
        store = await open_store(pg_url)
        try:
            p = await store.save_participant(
                Participant("telegram", "new", "new", "id", "Asia/Jakarta", "PK-NEW", NOW)
            )
            await store.delete_participant(p.id or 0)
            return p.id
        finally:
            await store.close()

    assert asyncio.run(new_participant_after_copy()) == 8  # the sequence went on after 7

    back = tmp_path / "b.db"
    result = runner.invoke(main, ["db", "copy", pg_url, f"sqlite:///{back}"])
    assert result.exit_code == 0, result.output
    assert _dump(back) == _dump(source)


def test_upgrade_and_bad_urls(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_url)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "schema up to date" in result.output
    bad = CliRunner().invoke(main, ["db", "copy", "mysql://x/y", f"sqlite:///{tmp_path}/c.db"])
    assert bad.exit_code != 0 and "SOURCE_URL" in bad.output


def test_refused_copy_is_one_error_line_without_a_progress_bar(tmp_path: Path) -> None:
    """Everything that stops a copy is checked before the first row moves: the user sees one
    `Error:` line (no empty `copying` bar before it, no usage block) and a non-zero exit."""
    source = tmp_path / "a.db"
    asyncio.run(_fill(f"sqlite:///{source}", 2))
    runner = CliRunner()
    filled = tmp_path / "filled.db"
    first = runner.invoke(main, ["db", "copy", f"sqlite:///{source}", f"sqlite:///{filled}"])
    assert first.exit_code == 0, first.output
    assert "copying" in first.output  # the bar, once rows really move
    before = _dump(filled)

    refused = {
        "TARGET_URL must be": [f"sqlite:///{source}", "mysql://x/y"],
        "already holds rows": [f"sqlite:///{source}", f"sqlite:///{filled}"],
        "no SQLite database": [f"sqlite:///{tmp_path}/none.db", f"sqlite:///{tmp_path}/c.db"],
        "cannot open the target": [f"sqlite:///{source}", "postgresql://x@127.0.0.1:1/db"],
        "same database": [f"sqlite:///{source}", f"sqlite:///{source}"],
    }
    for reason, urls in refused.items():
        result = runner.invoke(main, ["db", "copy", *urls])
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code != 0, (reason, result.output)
        assert len(lines) == 1 and lines[0].startswith("Error: "), (reason, result.output)
        assert reason in lines[0] and "copying" not in result.output
    assert _dump(filled) == before
    assert not (tmp_path / "c.db").exists()


def test_filled_target_is_refused_before_it_is_migrated(tmp_path: Path) -> None:
    """A database with data in it (another application's, an old copy) is not touched: no
    tables of ours are created in it when the copy is refused."""
    source = tmp_path / "a.db"
    asyncio.run(_fill(f"sqlite:///{source}", 1))
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as db, db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        db.execute("INSERT INTO notes (body) VALUES ('keep me')")
    result = CliRunner().invoke(main, ["db", "copy", f"sqlite:///{source}", f"sqlite:///{other}"])
    assert result.exit_code != 0 and "already holds rows (in notes)" in result.output
    with closing(sqlite3.connect(other)) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {"notes"}
