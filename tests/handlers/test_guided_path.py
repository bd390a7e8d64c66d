"""The whole guided path as conversation scripts, in Indonesian and in English."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Step
from bot.core.program import Program
from bot.storage.store import SqlStore
from handlers.router import route
from tests.conftest import Reopen, onboard
from tests.helpers import Chat, make_text


async def test_whole_path_in_indonesian(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.press("menu:dashboard")
    assert "www.prakerja.go.id" in chat.text
    assert "16 digit" in chat.text and "Tidak ada kartu fisik" in chat.text
    assert "Rp1.000.000" in chat.text
    await chat.press("done:dashboard")
    assert "Dashboard sudah dicek" in chat.text
    await chat.press("menu:platforms")
    for name in (
        "Bukalapak",
        "Mau Belajar Apa",
        "Pintaria",
        "Pijar Mahir",
        "Sisnaker",
        "Kariermu",
    ):
        assert name in chat.text
    await chat.press("done:platform")
    await chat.press("menu:purchase")
    assert "10 hari lagi" in chat.text
    assert "kepesertaanmu dicabut" in chat.text and "gelombang berikutnya" in chat.text
    await chat.press("purchase:done")
    assert "pembelianmu sudah kucatat" in chat.text.lower()
    await chat.press("menu:linking")
    for partner in ("BNI", "OVO", "GoPay", "LinkAja", "DANA"):
        assert partner in chat.text
    assert "premium" in chat.text and "NIK" in chat.text
    await chat.press("menu:otp")
    assert "termasuk bot ini" in chat.text
    assert "Tunggu 1 jam" in chat.text and "1500046" in chat.text
    await chat.press_any("menu:linking")
    await chat.press("done:linking")
    await chat.send("/status")
    assert chat.replies[0].text.count("✅") == 4  # the checklist; the timeline follows
    assert "Kode referensimu: PK-" in chat.text
    saved = await store.get_participant("test", "u1")
    assert saved is not None
    assert set(saved.progress) == {"dashboard", "platform", "purchase", "linking"}


async def test_whole_path_in_english(engine: Engine, clock: FakeClock) -> None:
    chat = Chat(engine, clock, user="en1")
    chat.replies = await engine.handle(make_text("/start", "en1", clock.now(), language_code="en"))
    assert "not the official program" in chat.text
    await chat.send("22")
    await chat.press("tz:WIB")
    assert "Tuesday, 30 November 2021 at 23:59 WIB — 10 days left" in chat.text
    await chat.press("menu:purchase")
    assert "your membership is revoked" in chat.text
    await chat.press("purchase:done")
    await chat.send("/status")
    assert "First training bought (20 November 2021)" in chat.text
    assert "Dashboard checked: not yet" in chat.text


async def test_language_switch_and_back(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/bahasa")
    await chat.press("lang:en")
    assert "Language set to English." in chat.text
    assert "Check dashboard" in [o.label for r in chat.replies for o in r.options]
    await chat.send("/bahasa")
    await chat.press("lang:id")
    assert "Cek dashboard" in [o.label for r in chat.replies for o in r.options]


async def test_restart_in_the_middle_resumes(
    reopen: Reopen, program: Program, clock: FakeClock
) -> None:
    first = await reopen()
    chat = Chat(Engine(first, program, clock, route), clock)
    await chat.send("/start")
    await chat.send("22")
    await first.close()  # the process dies between two messages

    second = await reopen()
    try:
        chat = Chat(Engine(second, program, clock, route), clock)
        await chat.send("wita")  # answers the question asked before the restart
        assert "WITA" in chat.text and "10 hari lagi" in chat.text
        saved = await second.get_participant("test", "u1")
        assert saved is not None and saved.step == Step.MENU
    finally:
        await second.close()


async def test_days_left_counts_down_and_passes(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)
    clock.advance(timedelta(days=10, hours=4))  # 30 Nov 2021 14:00 WIB
    await chat.send("/status")
    assert "tinggal 9 jam 59 menit lagi" in chat.text
    clock.advance(timedelta(hours=10))
    await chat.send("/status")
    assert "batas waktunya sudah lewat" in chat.text


async def test_commands_from_anywhere(chat: Chat, store: SqlStore) -> None:
    await chat.send("/start")
    await chat.send("/bantuan")
    assert "/hapus" in chat.text and "0800-150-3001" in chat.text
    await chat.send("/batal")
    assert "gelombang berapa" in chat.text  # not onboarded yet: back to the question
    await onboard(chat)
    await chat.send("/berhenti")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and not saved.reminders_enabled
    await chat.send("/pengingat")
    assert "reminders:on" in chat.option_ids
    await chat.press("reminders:on")
    saved = await store.get_participant("test", "u1")
    assert saved is not None and saved.reminders_enabled
    await chat.send("/menu")
    assert "menu:help" in chat.option_ids


async def test_old_buttons_still_work_or_say_outdated(chat: Chat) -> None:
    await onboard(chat)
    await chat.press_any("menu:platforms")
    assert "Bukalapak" in chat.text
    await chat.press_any("something:removed")
    assert "sudah kedaluwarsa" in chat.text
    await chat.press_any("delete:yes")  # a confirmation that was never asked
    assert "kedaluwarsa" in chat.text


async def test_unknown_text_gets_menu(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("blablabla qwerty")
    assert "belum paham" in chat.text
    assert "intent:human" in chat.option_ids


async def test_language_before_onboarding_goes_on_to_the_question(chat: Chat) -> None:
    await chat.send("/bahasa")
    await chat.press("lang:en")
    assert "Language set to English." in chat.text
    assert "Which wave (gelombang) are you in?" in chat.text


async def test_delete_understands_typed_answers(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("/hapus")
    await chat.send("gak jadi")
    assert "tidak ada yang dihapus" in chat.text
    await chat.send("/hapus")
    await chat.send("iya hapus aja")
    assert "sudah dihapus" in chat.text
    assert await store.get_participant("test", "u1") is None


async def test_greeting_resumes_onboarding_where_it_was(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("22")
    await chat.send("halo")  # e.g. the terminal chat started again
    assert chat.option_ids == ["tz:WIB", "tz:WITA", "tz:WIT"]
    await chat.send("/start")
    await chat.send("gelombang 21")
    await chat.send("halo")
    assert "belum punya batas waktu gelombang 21" in chat.text


async def test_greeting_after_purchase_does_not_repeat_the_deadline(
    chat: Chat, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.press("menu:purchase")
    await chat.press("purchase:done")
    clock.advance(timedelta(days=20))
    await chat.send("halo")
    assert "sudah lewat" not in chat.text and "Batas beli" not in chat.text
    assert "menu:dashboard" in chat.option_ids
