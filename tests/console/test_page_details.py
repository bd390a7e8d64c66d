"""Details a new operator noticed: the overview's title, the console's own not-found page, the
flagged page's count and the participants' channel filter."""

from __future__ import annotations

import re

import pytest

from tests.console.helpers import Client, login


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_the_overview_title_is_plain_text(client: Client, lang: str) -> None:
    await client.get(f"/console/lang/{lang}")
    await login(client, "ana")
    page = await (await client.get("/console/")).text()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title, page[:300]
    assert "<" not in title.group(1), title.group(1)
    assert page.count('id="media"') == 1
