"""`prakerja-bot unknown`: lists what the bot did not understand, attaches one to an entry
(redacted, audited) and exports the attached examples as `entry id<TAB>text` lines."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app.cli import main
from bot.storage.sqlite import SqliteStore


def _audit(path: Path) -> list[tuple[str, str, object]]:
    async def read() -> list[tuple[str, str, object]]:
        store = await SqliteStore.open(str(path))
        try:
            return [(e.operator, e.action, e.detail) for e in await store.audit_entries()]
        finally:
            await store.close()

    return asyncio.run(read())


def test_unknown_lists_attaches_and_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    runner = CliRunner()
    script = "/start\n22\nWIB\nresep rendang padang dong\nlur akunku kena ban 0812345678\n"
    chatted = runner.invoke(
        main, ["chat", "--user", "budi", "--now", "2021-11-20T10:00+07:00"], input=script
    )
    assert chatted.exit_code == 0, chatted.output
    listed = runner.invoke(main, ["unknown"])
    assert listed.exit_code == 0, listed.output
    rows = listed.output.splitlines()[1:]
    assert [r.split("\t")[-1] for r in rows] == [
        "lur akunku kena ban ▒",
        "resep rendang padang dong",
    ]
    banned = rows[0].split("\t")[0]
    attached = runner.invoke(main, ["unknown", "--attach", banned, "akun-diblokir"])
    assert attached.exit_code == 0, attached.output
    assert "reload" in attached.output
    refused = runner.invoke(main, ["unknown", "--attach", banned, "terbang"])
    assert refused.exit_code != 0 and "terbang" in refused.output
    missing = runner.invoke(main, ["unknown", "--attach", "999", "akun-diblokir"])
    assert missing.exit_code != 0 and "999" in missing.output
    exported = runner.invoke(main, ["unknown", "--export"])
    assert exported.output.splitlines() == ["akun-diblokir\tlur akunku kena ban ▒"]
    assert runner.invoke(main, ["unknown", "--export", "--locale", "en"]).output == ""
    ((operator, action, detail),) = _audit(tmp_path / "cli.db")
    assert (operator, action) == ("cli", "kb_attach")
    assert isinstance(detail, dict) and detail["entry"] == "akun-diblokir"
