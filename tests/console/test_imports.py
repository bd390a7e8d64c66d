"""The import page: a dry run changes nothing and reports each bad row; applying it does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aiohttp import FormData, web
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from bot.app.cli import main
from bot.console import site
from bot.console.app import Console, mount
from bot.console.imports import MAX_FILE, SHOWN_ERRORS
from bot.conversation.engine import Engine
from bot.storage.store import SqlStore
from tests.console.helpers import Client, csrf_of, login
from tests.feed import participant

CSV = (
    "phone,item,status,date,partner\n"
    "+62 812-3456-7890,incentive.1,paid,2021-12-12,dana\n"
    "+62 812-3456-7890,incentive.1,paid,2021-12-12,dana\n"
    "0811-0000-0000,incentive.1,paid,2021-12-12,dana\n"
    "+62 812-3456-7890,incentive.2,sideways,,\n"
)


def _form(csrf: str, data: str) -> FormData:
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field(
        "file", io.BytesIO(data.encode()), filename="status.csv", content_type="text/csv"
    )
    return form


async def test_dry_run_then_apply(client: Client, engine: Engine, store: SqlStore) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    csrf = await login(client, "ana")
    response = await client.post("/console/imports/dry-run", data=_form(csrf, CSV))
    page = await response.text()
    assert response.status == 200
    assert 'id="applied">1<' in page and 'id="unchanged">1<' in page
    assert 'id="unmatched">1<' in page and 'id="bad">1<' in page
    assert "baris 5: status &#39;sideways&#39; tidak dikenal" in page
    found = await store.get_participant("test", "u1")
    assert found is not None and found.id is not None
    row = await store.db.fetchone("SELECT COUNT(*) FROM benefit_history")
    assert row is not None and row[0] == 0  # nothing changed yet
    token = page.split('name="token" value="')[1].split('"')[0]
    applied = await client.post(
        "/console/imports/apply", data={"csrf": csrf_of(page), "token": token}
    )
    page = await applied.text()
    assert 'id="applied">1<' in page
    row = await store.db.fetchone("SELECT COUNT(*) FROM benefit_history")
    assert row is not None and row[0] == 1
    again = await client.post("/console/imports/apply", data={"csrf": csrf, "token": token})
    assert again.status == 404  # applied once


async def test_a_file_that_is_not_csv(client: Client) -> None:
    csrf = await login(client, "ana")
    response = await client.post("/console/imports/dry-run", data=_form(csrf, "\x00\x01"))
    assert response.status == 400 and "status.csv: bukan berkas CSV" in await response.text()


async def test_a_file_over_1_mb_is_refused_in_indonesian(client: Client) -> None:
    csrf = await login(client, "ana")
    line = "0811-0000-0000,incentive.1,paid,2021-12-12,dana\n"
    big = "phone,item,status,date,partner\n" + line * (1_350_000 // len(line))
    response = await client.post("/console/imports/dry-run", data=_form(csrf, big))
    page = await response.text()
    assert response.status == 400
    assert "lebih dari batas 1 MB" in page and 'role="alert"' in page
    assert 'id="bad"' not in page  # nothing was checked


async def test_a_file_just_over_1_mb_in_a_larger_app_is_refused_too(
    console: Console, client: Client
) -> None:
    app = web.Application(client_max_size=3 * 1024 * 1024)  # as bot/app/web.py serves it
    app.add_routes(site.routes())
    mount(app, console)
    async with TestClient(TestServer(app, host="127.0.0.1")) as big_client:
        csrf = await login(big_client, "ana")
        data = "phone,item,status,date,partner\n" + "x" * (MAX_FILE + 10)
        response = await big_client.post("/console/imports/dry-run", data=_form(csrf, data))
        assert response.status == 400 and "lebih dari batas 1 MB" in await response.text()


async def test_the_error_list_is_capped_and_the_counts_stay_exact(client: Client) -> None:
    csrf = await login(client, "ana")
    rows = "".join(f"0811-0000-{i:04},incentive.1,sideways,,\n" for i in range(250))
    response = await client.post(
        "/console/imports/dry-run", data=_form(csrf, "phone,item,status,date,partner\n" + rows)
    )
    page = await response.text()
    assert response.status == 200 and 'id="bad">250<' in page
    assert page.count("<li>") == SHOWN_ERRORS
    assert "… dan 150 baris lagi" in page


def test_the_cli_speaks_the_operators_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    path = tmp_path / "status.csv"
    path.write_text(
        "phone,item,status,date,partner\n0811-0000-0000,incentive.1,paid,2021-12-12,dana\n"
        "0811-0000-0001,incentive.1,lunas,2021-12-12,dana\n",
        "utf-8",
    )
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    result = CliRunner().invoke(main, ["import-status", str(path)])
    assert result.exit_code == 1, result.output  # nothing applied, a bad row: a failure
    assert "tidak ada baris yang bisa diterapkan: 1 baris salah" in result.stderr
    assert "baris 2: tidak ada peserta dengan nomor HP" in result.stderr
    assert "baris 3: status 'lunas' tidak dikenal" in result.stderr
    assert "diterapkan 0, tidak berubah 0, tidak cocok 1, salah 1" in result.stdout
    monkeypatch.setenv("LANG", "C.UTF-8")
    english = CliRunner().invoke(main, ["import-status", str(path)])
    assert "line 3: unknown status 'lunas'" in english.stderr
    assert "no row could be applied: 1 row is bad" in english.stderr
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    refused = CliRunner().invoke(main, ["import-status", str(bad)])
    assert refused.exit_code != 0 and "bukan berkas CSV" in refused.output
