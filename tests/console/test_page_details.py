"""Details a new operator noticed: the overview's title, the console's own not-found page, the
participants' channel filter, and what docs/console.md says of a secret sent in a handoff."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.channels import terminal
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.storage.store import SqlStore
from handlers.router import route
from tests.conftest import onboard
from tests.console.helpers import Client, add_participant, login
from tests.helpers import Chat


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


def _fund_row(page: str) -> str:
    table = page.split('id="benefits"')[1].split("</table>")[0]
    return next(row for row in table.split("<tr>") if "Dana pelatihan" in row)


async def test_the_training_fund_reads_the_same_in_the_chat_and_on_every_console_page(
    client: Client, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    """The training fund is never paid out on a schedule (FACTS.md): it is available in the
    dashboard, then spent on the first training. The participant's /status, their console page,
    and the handoff page (its benefits and what they told the bot) say so in the same words."""
    chat = Chat(Engine(store, program, clock, route), clock)
    await onboard(chat)
    await chat.send("/status")
    assert "Dana pelatihan, Rp1.000.000: tersedia di dashboard" in chat.text
    found = await store.get_participant("test", "u1")
    assert found is not None and found.id is not None
    await login(client, "ana")
    page = await (await client.get(f"/console/participants/{found.id}")).text()
    assert "tersedia di dashboard" in _fund_row(page)
    assert "menunggu jadwal" not in page.split('id="benefits"')[1].split("</table>")[0]

    await chat.press("purchase:done")
    await chat.send("/status")
    assert "Dana pelatihan, Rp1.000.000: sudah dipakai untuk pelatihan pertama" in chat.text
    page = await (await client.get(f"/console/participants/{found.id}")).text()
    assert "sudah dipakai untuk pelatihan pertama" in _fund_row(page)
    assert "ditransfer" not in _fund_row(page)

    await chat.send("mau ngomong sama admin aja")
    hid = await store.current_handoff(found.id)
    page = await (await client.get(f"/console/handoffs/{hid}")).text()
    about = page.split('id="benefit-statuses"')[1].split("</ul>")[0]
    assert "Dana pelatihan: sudah dipakai untuk pelatihan pertama" in about
    tried = page.split('id="tried"')[1].split("</ul>")[0]
    assert "Dana pelatihan berstatus sudah dipakai untuk pelatihan pertama" in tried
    assert "ditransfer" not in about + tried and "menunggu jadwal" not in about + tried

    await client.get("/console/lang/en")
    page = await (await client.get(f"/console/participants/{found.id}")).text()
    assert "used for the first training" in page.split('id="benefits"')[1]
