"""Details a new operator noticed: the overview's title, the console's own not-found page, the
participants' channel filter, and what docs/console.md says of a secret sent in a handoff."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.channels import terminal
from bot.storage.store import SqlStore
from tests.console.helpers import Client, add_participant, login


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_the_overview_title_is_plain_text(client: Client, lang: str) -> None:
    await client.get(f"/console/lang/{lang}")
    await login(client, "ana")
    page = await (await client.get("/console/")).text()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title, page[:300]
    assert "<" not in title.group(1), title.group(1)
    assert page.count('id="media"') == 1


@pytest.mark.parametrize("path", ["/console/inbox", "/console/no/such/page", "/console/static/x"])
async def test_an_unknown_console_path_gets_the_console_not_found_page(
    client: Client, path: str
) -> None:
    await login(client, "ana")
    response = await client.get(path)
    assert response.status == 404
    page = await response.text()
    assert "Tidak ditemukan." in page and "<title>" in page and 'id="back"' in page
    assert "404: Not Found" not in page


async def test_an_unknown_console_path_without_a_session_is_styled_too(client: Client) -> None:
    response = await client.get("/console/inbox")
    assert response.status == 404
    page = await response.text()
    assert "Tidak ditemukan." in page and 'href="/console/login"' in page


async def test_paths_outside_the_console_keep_aiohttp_answer(client: Client) -> None:
    response = await client.get("/elsewhere")
    assert response.status == 404
    assert "Tidak ditemukan." not in await response.text()


async def test_the_channel_filter_offers_the_channels_participants_arrive_on(
    client: Client, store: SqlStore
) -> None:
    await add_participant(store, "t", channel=terminal.CHANNEL)
    await add_participant(store, "w", channel="whatsapp")
    await login(client, "ana")
    page = await (await client.get("/console/participants")).text()
    select = page.split('name="channel"')[1].split("</select>")[0]
    offered = re.findall(r'<option value="([^"]*)"', select)
    assert offered == ["", "telegram", "whatsapp", terminal.CHANNEL]
    chosen = await (await client.get(f"/console/participants?channel={terminal.CHANNEL}")).text()
    assert "PK-00000T" in chosen and "PK-00000W" not in chosen


def test_the_guide_says_a_secret_in_a_handoff_reaches_the_inbox_masked() -> None:
    """What tests/console/test_handoffs.py checks: warned, stored with the secret masked (▒)."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "console.md").read_text("utf-8")
    handoffs = " ".join(guide.split("**Alih ke petugas (handoffs).**")[1].split("\n\n")[0].split())
    assert "never reaches the inbox" not in handoffs
    assert "warning" in handoffs and "reaches the inbox with the secret masked" in handoffs
