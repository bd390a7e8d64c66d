"""Answers that stay honest: typed dates read as written, nothing offered towards the
benefit after a missed deadline."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat


async def test_a_typed_purchase_date_keeps_its_month_and_reads_kemarin(chat: Chat) -> None:
    await onboard(chat)  # 20 November 2021
    await chat.send("udah beli pelatihan tgl 25 november kak")
    assert "belum tiba" in chat.text and "Oktober" not in chat.text
    await chat.send("alhamdulillah udah beli pelatihan kemarin kak di tokopedia")
    assert "19 Nov" in chat.text and "fact:yes" in chat.option_ids
    await chat.send("eh maaf udah beli tgl 18")
    assert "18 Nov" in chat.text


async def test_after_a_missed_deadline_no_step_towards_the_benefit_is_offered(
    chat: Chat, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=15))  # 5 December 2021: wave 22's deadline has passed
    for asked in (
        "/menu",
        "cara beli pelatihan gmn",
        "platform pelatihan apa aja",
        "cara sambungin ovo ke prakerja",
        "insentif nya berapa sih",
    ):
        await chat.send(asked)
        assert "sebelum batas waktu" not in chat.text, asked
        assert "menu:purchase" not in chat.option_ids and "menu:linking" not in chat.option_ids
    await chat.press_any("menu:platforms")
    assert "dicabut" in chat.text or "tidak lagi" in chat.text


async def test_after_a_missed_deadline_every_menu_is_the_short_one(
    chat: Chat, clock: FakeClock
) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=15))
    await chat.send("/menu")
    assert "dicabut" in chat.text
    for asked in ("/bantuan", "makasih kak", "/status"):
        await chat.send(asked)
        assert "menu:purchase" not in chat.option_ids and "menu:linking" not in chat.option_ids
    assert "Rp0" not in chat.text and "dari Rp" not in chat.text  # no total still "owed"


async def test_the_e_wallet_named_is_noted_after_a_yes_and_used_later(
    chat: Chat, store: SqlStore
) -> None:
    await onboard(chat)
    await chat.send("aku pakai OVO kak")
    assert "OVO" in chat.text and "fact:yes" in chat.option_ids
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.wallet is None  # nothing stored before the yes
    await chat.press("fact:yes")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.wallet == "OVO"
    await chat.send("status insentif saya GAGAL min, kenapa ya")
    assert "OVO" in chat.text  # its customer service, without naming it again
