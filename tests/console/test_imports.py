"""The import page: a dry run changes nothing and reports each bad row; applying it does."""

from __future__ import annotations

from aiohttp import FormData

from bot.conversation.engine import Engine
from bot.storage.sqlite import SqliteStore
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
    form.add_field("file", data.encode(), filename="status.csv", content_type="text/csv")
    return form


async def test_dry_run_then_apply(client: Client, engine: Engine, store: SqliteStore) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    csrf = await login(client, "ana")
    response = await client.post("/console/imports/dry-run", data=_form(csrf, CSV))
    page = await response.text()
    assert response.status == 200
    assert 'id="applied">1<' in page and 'id="unchanged">1<' in page
    assert 'id="unmatched">1<' in page and 'id="bad">1<' in page
    assert "line 5: unknown status" in page
    found = await store.get_participant("test", "u1")
    assert found is not None and found.id is not None
    async with store.db.execute("SELECT COUNT(*) FROM benefit_history") as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == 0  # nothing changed yet
    token = page.split('name="token" value="')[1].split('"')[0]
    applied = await client.post(
        "/console/imports/apply", data={"csrf": csrf_of(page), "token": token}
    )
    page = await applied.text()
    assert 'id="applied">1<' in page
    async with store.db.execute("SELECT COUNT(*) FROM benefit_history") as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == 1
    again = await client.post("/console/imports/apply", data={"csrf": csrf, "token": token})
    assert again.status == 404  # applied once


async def test_a_file_that_is_not_csv(client: Client) -> None:
    csrf = await login(client, "ana")
    response = await client.post("/console/imports/dry-run", data=_form(csrf, "\x00\x01"))
    assert response.status == 400 and "status.csv: not a CSV file" in await response.text()
