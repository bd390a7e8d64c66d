"""The "Answers that did not help" page: the answers with the most 👎, their titles, counts and
the (redacted) messages they answered; admins only."""

from __future__ import annotations

from datetime import timedelta

from bot.console.retention import purge
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.console.helpers import Client, add_participant, login


async def test_most_disliked_answers_listed(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    votes = [
        ("kb:sertifikat-belum-muncul", False, "sertifikat blm muncul udh 2 minggu"),
        ("kb:sertifikat-belum-muncul", False, "sertifikatku ga ada2"),
        ("kb:akun-diblokir", False, "akun diblokir gmn"),
        ("kb:akun-diblokir", True, "akun sy diblokir"),
        ("topic:survey", True, "survei dmn"),
    ]
    for n, (answer, helpful, text) in enumerate(votes):
        p = await add_participant(store, f"u{n}")
        assert p.id is not None
        await store.ask_feedback(p.id, answer, text, clock.now() - timedelta(hours=n))
        assert await store.vote_feedback(p.id, answer, helpful, clock.now())
    await login(client, "ana")
    page = await (await client.get("/console/feedback")).text()
    assert "Dalam 30 hari terakhir: 2 👍 membantu, 3 👎 tidak." in page
    assert "2 👎 tidak membantu · 0 👍 membantu" in page
    first, second = page.index("Sertifikat belum muncul"), page.index("Akun diblokir")
    assert first < second  # the most 👎 first
    assert "sertifikatku ga ada2" in page and "akun diblokir gmn" in page
    assert "akun sy diblokir" not in page and "survei dmn" not in page  # 👍 keep no message
    unknown = await (await client.get("/console/unknown")).text()
    assert 'href="/console/feedback' in unknown  # beside the not-understood page


async def test_agents_may_not_see_it(client: Client) -> None:
    await login(client, "budi")
    assert (await client.get("/console/feedback")).status == 403


async def test_the_retention_purge_forgets_the_messages_not_the_votes(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    await store.ask_feedback(p.id, "kb:akun-diblokir", "akun diblokir gmn", clock.now())
    await store.vote_feedback(p.id, "kb:akun-diblokir", False, clock.now())
    clock.advance(timedelta(days=100))
    found = await purge(store, clock, 90)
    assert found["feedback"] == 1
    (disliked,) = await store.most_disliked(clock.now() - timedelta(days=365))
    assert (disliked.down, disliked.messages) == (1, ())
