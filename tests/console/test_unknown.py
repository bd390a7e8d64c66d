"""The "not understood" page: redacted messages grouped by the entry the model thinks likeliest,
its three guesses with the first pre-selected; an admin attaches a message to an entry as an
example (stored redacted, audited), reloads the models (a new version), or undoes it."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from bot import knowledge
from bot.core.clock import FakeClock
from bot.core.program import Program
from bot.knowledge.teaching import Teacher
from bot.storage.store import SqlStore
from tests.conftest import KB_FIXTURE as KB
from tests.conftest import onboard
from tests.console.helpers import Client, add_participant, at, csrf_of, login
from tests.helpers import Chat

BLOCKED = ("akun sy diblokir kenapa ya min", "akunku dinonaktifkan, bisa aktif lagi ga kak")
OUTSIDE = "resep rendang padang dong"
CERTIFICATE = "sertifikatku kok ga muncul2 di dashboard"


async def _kept(store: SqlStore, clock: FakeClock) -> dict[str, int]:
    p = await add_participant(store, "a")
    assert p.id is not None
    ids = {}
    for n, text in enumerate((*BLOCKED, CERTIFICATE, OUTSIDE)):
        ids[text] = await store.record_unknown(
            p.id, text, [], "menu", clock.now() - timedelta(minutes=n)
        )
    await store.record_unknown(p.id, "kemarin", [], "menu", clock.now() - timedelta(days=9))
    return ids


async def test_grouped_by_likeliest_entry_with_three_guesses(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    ids = await _kept(store, clock)
    await login(client, "ana")
    page = await (await client.get("/console/unknown")).text()
    headings = re.findall(r"<h2>([^<]+) <span", page)
    assert [h.strip() for h in headings] == [
        "Akun diblokir",
        "Sertifikat belum muncul",
        "Tidak ada yang dekat",  # out of scope: last, its guesses not pre-selected
    ]
    outside = page[page.index(f'id="m{ids[OUTSIDE]}"') :].split("</tr>")[0]
    assert 'name="entry"' in outside and " checked" not in outside
    unchosen = await client.post(
        f"/console/unknown/{ids[OUTSIDE]}", data={"csrf": csrf_of(page)}, allow_redirects=False
    )
    assert unchosen.status == 303 and await store.taught_examples() == []
    row = page[page.index(f'id="m{ids[BLOCKED[0]]}"') :].split("</tr>")[0]
    radios = re.findall(r'name="entry" value="([a-z-]+)"( checked)?', row)
    assert len(radios) == 3 and radios[0] == ("akun-diblokir", " checked")
    assert not any(checked for _, checked in radios[1:])  # only the first is pre-selected
    assert "kemarin" not in page  # older than the last 7 days
    assert "kemarin" in await (await client.get("/console/unknown?days=30")).text()
    # the whole group at once: each message its own example, each audited
    group = page[page.index('action="/console/unknown/group"') :].split("</form>")[0]
    listed = [int(i) for i in re.findall(r'name="message" value="(\d+)"', group)]
    assert sorted(listed) == sorted(ids[t] for t in BLOCKED)
    assert "Tempelkan semua 2 pesan ke “Akun diblokir”" in group
    saved = await client.post(
        "/console/unknown/group",
        data=[("csrf", csrf_of(page)), ("entry", "akun-diblokir")]
        + [("message", str(i)) for i in listed],
    )
    assert saved.status == 200
    taught = await store.taught_examples()
    assert sorted((e.entry_id, e.text) for e in taught) == [
        ("akun-diblokir", t) for t in sorted(BLOCKED)
    ]
    actions = [e.action for e in await store.audit_entries()]
    assert actions[:2] == ["kb_attach", "kb_attach"]


async def test_attach_redacted_and_audited_then_reload_and_undo(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    raw = "akun saya diblokir, nomor 081234567890, email budi@mail.com, pin 123456"
    mid = await store.record_unknown(p.id, raw, [], "menu", clock.now())
    await login(client, "ana")
    page = await (await client.get("/console/unknown?days=1")).text()
    saved = await client.post(
        f"/console/unknown/{mid}",
        data={"csrf": csrf_of(page), "entry": "akun-diblokir", "days": "1"},
        allow_redirects=False,
    )
    assert saved.status == 303 and saved.headers["Location"] == f"/console/unknown?days=1#m{mid}"
    (example,) = await store.taught_examples()
    assert (example.locale, example.entry_id, example.unknown_id) == ("id", "akun-diblokir", mid)
    for secret in ("081234567890", "budi@mail.com", "123456"):
        assert secret not in example.text
    assert example.text.startswith("akun saya diblokir")
    audit = (await store.audit_entries())[0]
    assert (audit.action, audit.operator, audit.detail) == (
        "kb_attach",
        "ana",
        {"message": mid, "entry": "akun-diblokir", "example": example.id},
    )
    page = await (await client.get("/console/unknown?days=1")).text()
    assert "✓" in page and "Muat ulang model (1 contoh baru)" in page
    # another entry typed over the guesses moves the example
    await client.post(
        f"/console/unknown/{mid}",
        data={"csrf": csrf_of(page), "entry": "akun-diblokir", "other": "admin-palsu"},
    )
    assert [e.entry_id for e in await store.taught_examples()] == ["admin-palsu"]
    bad = await client.post(
        f"/console/unknown/{mid}", data={"csrf": csrf_of(page), "entry": "terbang"}
    )
    assert bad.status == 404
    reloaded = await client.post(
        "/console/unknown/reload", data={"csrf": csrf_of(page)}, allow_redirects=False
    )
    assert reloaded.status == 303
    version = await store.kb_version()
    assert version is not None and (version.version, version.upto) == (1, example.id)
    assert (await store.audit_entries())[0].action == "kb_reload"
    page = await (await client.get("/console/unknown?days=1")).text()
    assert "Muat ulang model (0 contoh baru)" in page and "versi 1" in page
    undone = await client.post(
        f"/console/unknown/example/{example.id}/remove", data={"csrf": csrf_of(page)}
    )
    assert undone.status == 200 and await store.taught_examples() == []
    assert (await store.audit_entries())[0].detail == {"example": example.id}


async def test_agents_may_not_see_or_teach(client: Client, store: SqlStore) -> None:
    p = await add_participant(store, "a")
    assert p.id is not None
    mid = await store.record_unknown(p.id, "apa ini", [], "menu", at(0))
    token = await login(client, "budi")
    assert (await client.get("/console/unknown")).status == 403
    for path in (f"/console/unknown/{mid}", "/console/unknown/reload"):
        refused = await client.post(path, data={"csrf": token, "entry": "akun-diblokir"})
        assert refused.status == 403
    assert await store.taught_examples() == [] and await store.kb_version() is None


async def test_attached_and_reloaded_in_the_console_changes_the_next_answer(
    client: Client, store: SqlStore, program: Program, clock: FakeClock, chat: Chat
) -> None:
    """The whole loop: a post not understood, attached on the page, the models reloaded by the
    button, this instance's teacher retrains, the next such post gets the entry's answer."""
    teacher = Teacher(store, program, every=3600)  # this instance (nudged by the button)
    await teacher.start()
    before = knowledge.retriever(program, "id")
    try:
        await onboard(chat)
        await chat.send("lur akunku kena ban, piye carane ben iso mlebu maneh")
        assert "Akun yang dinonaktifkan" not in chat.text
        (kept,) = await store.list_unknown(5)
        await login(client, "ana")
        page = await (await client.get("/console/unknown")).text()
        await client.post(
            f"/console/unknown/{kept.id}", data={"csrf": csrf_of(page), "entry": "akun-diblokir"}
        )
        await client.post("/console/unknown/reload", data={"csrf": csrf_of(page)})
        for _ in range(600):  # retrained in the background, then swapped in
            if teacher.state.version == 1:
                break
            await asyncio.sleep(0.05)
        assert teacher.state.version == 1 and teacher.state.examples == 1
        clock.advance(timedelta(hours=1))
        await chat.send("akunku kena ban lur, piye carane iso mlebu maneh")
        assert "Akun yang dinonaktifkan" in chat.text
    finally:
        await teacher.stop()
        if before is not None:
            knowledge.install("id", before)


def _titles(locale: str) -> set[str]:
    return {
        title
        for title in re.findall(
            r'^title = "([^"]+)"', (KB / locale / "fixture.toml").read_text("utf-8"), re.M
        )
    }


async def test_entries_are_named_in_the_consoles_language_each_once(
    client: Client, store: SqlStore, clock: FakeClock
) -> None:
    """An Indonesian and an English message about the same thing: one group, and every entry
    on the page (headings, guesses, the "another entry" list) in the console's language, each
    once; the English message is still attached as an English example."""
    indonesian = await add_participant(store, "a")
    english = await add_participant(store, "b", locale="en")
    assert indonesian.id is not None and english.id is not None
    said = "my account got blocked, why? I can't log in"
    mid_id = await store.record_unknown(indonesian.id, BLOCKED[0], [], "menu", clock.now())
    mid_en = await store.record_unknown(english.id, said, [], "menu", clock.now())
    await login(client, "ana")
    only_en, only_id = _titles("en") - _titles("id"), _titles("id") - _titles("en")
    for lang, absent, heading in (
        ("id", only_en, "Akun diblokir"),
        ("en", only_id, "Account blocked"),
    ):
        await client.get(f"/console/lang/{lang}")
        page = await (await client.get("/console/unknown")).text()
        headings = [h.strip() for h in re.findall(r"<h2>([^<]+) <span", page)]
        assert headings == [heading], headings  # both messages in one group
        shown = set(re.findall(r"> ([^<>]+?) <span class=\"count\">\d+ %", page))
        shown |= set(re.findall(r'<option value="[a-z-]+">([^<]+)</option>', page))
        assert heading in shown and not shown & absent, shown & absent
        listed = re.findall(r'<option value="([a-z-]+)">', page)
        assert sorted(listed) == sorted(set(listed)) and len(listed) == len(_titles("id"))
        assert page.count("<datalist") == 1
        for mid in (mid_id, mid_en):
            row = page[page.index(f'id="m{mid}"') :].split("</tr>")[0]
            assert 'list="entries"' in row
    saved = await client.post(
        f"/console/unknown/{mid_en}", data={"csrf": csrf_of(page), "entry": "akun-diblokir"}
    )
    assert saved.status == 200
    (example,) = await store.taught_examples()
    assert (example.locale, example.unknown_id) == ("en", mid_en)
