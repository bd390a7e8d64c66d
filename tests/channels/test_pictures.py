"""Screenshots through each channel: Telegram (getFile and the file download from the fake Bot
API) and WhatsApp (the media URL and its bytes from the fake Graph API), read by the real OCR
worker and answered with the statuses they show; nothing sensitive in them reaches the
database, the logs or the reply; huge and corrupt pictures refused; a worker killed mid-read
leaves the bot answering."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.channels.telegram.inbound import TelegramChannel
from bot.channels.telegram.runtime import build_application
from bot.channels.telegram.sender import TelegramSender
from bot.channels.whatsapp.media import MediaReader
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.storage.store import SqlStore
from bot.vision import Reader
from tests.channels.telegram_support import TelegramDriver, joined
from tests.channels.whatsapp_support import Rig, envelope, message, texts, value, whatsapp_rig
from tests.db import dump, rows
from tests.fakes.bot_api import TOKEN, FakeBotApi, RecordingRequest
from tests.fakes.telegram_updates import document_json, photo_json
from tests.ocr import open_reader
from tests.screenshots import Row, Screen, make_screen, render

FAILED_AND_CHECKING = Screen(
    page="incentives",
    rows=(
        Row("Pelatihan", 1, "Rp600.000", "15 Juni 2021", "Gagal"),
        Row("Pelatihan", 2, "Rp600.000", "15 Juli 2021", "Dalam Pengecekan"),
    ),
    balance="Rp1.000.000",
    phone="081234567890",
)
NIK = "3201234567890123"
CARD = "5213987654321098"
WITH_SECRETS = replace(FAILED_AND_CHECKING, nik=NIK, card_number=CARD, name="Siti Rahmawati")


@pytest.fixture
async def reader() -> AsyncIterator[Reader]:
    async for opened in open_reader():
        yield opened


@pytest.fixture
async def tg(
    engine: Engine,
    store: SqlStore,
    clock: FakeClock,
    recording: RecordingRequest,
    reader: Reader,
) -> AsyncIterator[TelegramDriver]:
    application = build_application(TOKEN, polling=False, request=recording)
    sender = TelegramSender(application.bot)
    channel = TelegramChannel(engine, store, clock, sender, reader=reader)
    channel.install(application)
    await application.initialize()
    yield TelegramDriver(application, channel, recording.state)
    await application.shutdown()
    assert recording.state.unexpected == []


@pytest.fixture
async def wa(
    engine: Engine, store: SqlStore, clock: FakeClock, reader: Reader
) -> AsyncIterator[Rig]:
    async with whatsapp_rig(engine, store, clock) as rig:
        rig.service.pictures = MediaReader(
            rig.sender.client, rig.graph.base_url, rig.graph.token, reader
        )
        yield rig


async def _onboard_tg(tg: TelegramDriver) -> None:
    await tg.send("/start")
    await tg.send("22")
    await tg.press("tz:WIB")


async def _onboard_wa(wa: Rig) -> None:
    await wa.say("/start")
    await wa.say("22")
    await wa.press("tz:WIB")


def _image(media_id: str, caption: str | None = None, kind: str = "image") -> dict[str, object]:
    body: dict[str, object] = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x"}
    if caption:
        body["caption"] = caption
    return envelope(value(message(kind, body)))


async def test_telegram_screenshot_is_answered_with_its_statuses(tg: TelegramDriver) -> None:
    await _onboard_tg(tg)
    tg.state.files["ss1"] = render(FAILED_AND_CHECKING)
    sent = joined(await tg.feed(photo_json("ss1", caption="kenapa gagal ya min")))
    assert tg.state.downloads == ["photos/ss1.jpg"]  # the full size, not the thumbnail
    assert "insentif ke-1 Gagal (15 Juni 2021), ke-2 Dalam Pengecekan" in sent
    assert "Ubah" in sent  # what to do about the failed one: link the account again
    assert "prakerja.go.id" in sent  # and where to ask


async def test_telegram_image_document_is_read_too(tg: TelegramDriver) -> None:
    await _onboard_tg(tg)
    tg.state.files["doc1"] = render(replace(FAILED_AND_CHECKING, quality=None))
    sent = joined(await tg.feed(document_json("doc1", mime_type="image/png")))
    assert "ke-2 Dalam Pengecekan" in sent


async def test_whatsapp_screenshot_is_answered_with_its_statuses(wa: Rig) -> None:
    await _onboard_wa(wa)
    wa.graph.media["m1"] = render(FAILED_AND_CHECKING)
    before = len(wa.graph.messages)
    assert await wa.post(_image("m1")) == 200
    said = texts(wa.graph.messages[before:])
    assert wa.graph.media_fetched == ["m1"]
    assert "insentif ke-1 Gagal (15 Juni 2021), ke-2 Dalam Pengecekan" in said


async def test_sensitive_numbers_in_a_screenshot_go_nowhere(
    tg: TelegramDriver, store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await _onboard_tg(tg)
    tg.state.files["ss2"] = render(WITH_SECRETS)
    sent = joined(await tg.feed(photo_json("ss2")))
    assert "Gagal" in sent
    assert "Nomor Kartu Prakerja-mu terlihat di gambar: tidak kusimpan" in sent
    tg.state.files["ss3"] = render(replace(WITH_SECRETS, rows=(), balance=None, page="x"))
    await tg.feed(photo_json("ss3"))  # nothing understood: kept for the operator, redacted
    stored = await dump(store)
    unknown = await rows(store, "unknown_messages")
    assert unknown, "the not-understood copy is kept (redacted)"
    everything = "\n".join([stored, caplog.text, *tg.state.texts()])
    for secret in (NIK, CARD, CARD[-8:], NIK[-8:], "081234567890", "Rahmawati"):
        assert secret not in everything.replace(" ", ""), secret


async def test_huge_and_corrupt_pictures_are_refused_kindly(tg: TelegramDriver) -> None:
    await _onboard_tg(tg)
    sent = joined(await tg.feed(document_json("big", file_size=25 * 1024 * 1024)))
    assert "terlalu besar" in sent and "10 MB" in sent
    assert tg.state.of("getFile") == [] and tg.state.downloads == []  # refused before
    tg.state.files["bad"] = b"\xff\xd8\xff\xe0 this is no jpeg"
    sent = joined(await tg.feed(photo_json("bad")))
    assert "tidak bisa membuka" in sent
    assert "ketik status" in sent  # the participant is asked to type the status instead


async def test_huge_whatsapp_media_is_not_downloaded(wa: Rig) -> None:
    await _onboard_wa(wa)
    wa.graph.media["huge"] = b"\xff\xd8"
    wa.graph.media_sizes["huge"] = 30 * 1024 * 1024
    before = len(wa.graph.messages)
    assert await wa.post(_image("huge")) == 200
    assert wa.graph.media_fetched == []
    assert "10 MB" in texts(wa.graph.messages[before:])


async def test_a_worker_killed_mid_read_does_not_stop_the_bot(
    tg: TelegramDriver, reader: Reader
) -> None:
    await _onboard_tg(tg)
    tg.state.files["slow"] = render(replace(make_screen(5), width=1440, photo=True))
    reading = asyncio.ensure_future(tg.feed(photo_json("slow")))
    for _ in range(1000):
        if reader.running:
            break
        await asyncio.sleep(0.005)
    (pid,) = reader.running
    os.kill(pid, signal.SIGKILL)
    sent = joined(await reading)
    assert "Ketik status yang kamu lihat" in sent
    after = joined(await tg.send("/status", user_id=43))  # another participant, answered
    assert after
    tg.state.files["again"] = render(FAILED_AND_CHECKING)
    assert "Dalam Pengecekan" in joined(await tg.feed(photo_json("again")))


async def test_text_replies_do_not_wait_for_a_picture(tg: TelegramDriver) -> None:
    tg.state.files["slow2"] = render(replace(make_screen(5), width=1440, photo=True))
    reading = asyncio.ensure_future(tg.feed(photo_json("slow2", user_id=50)))
    await asyncio.sleep(0.05)
    started = asyncio.get_running_loop().time()
    assert await tg.send("/start", user_id=51)
    assert asyncio.get_running_loop().time() - started < 1.0
    assert not reading.done()  # the text was answered while the picture was still read
    await reading


async def test_telegram_downloads_over_http_from_the_base_file_url(
    engine: Engine, store: SqlStore, clock: FakeClock, reader: Reader
) -> None:
    """The real transport: getFile on TELEGRAM_BASE_URL, the bytes from TELEGRAM_BASE_FILE_URL."""
    async with FakeBotApi() as api:
        application = build_application(
            TOKEN, base_url=api.base_url, base_file_url=api.base_file_url, polling=False
        )
        channel = TelegramChannel(
            engine, store, clock, TelegramSender(application.bot), reader=reader
        )
        channel.install(application)
        await application.initialize()
        try:
            api.state.files["http1"] = render(FAILED_AND_CHECKING)
            driver = TelegramDriver(application, channel, api.state)
            sent = joined(await driver.feed(photo_json("http1", user_id=77)))
        finally:
            await application.shutdown()
    assert api.state.downloads == ["photos/http1.jpg"]
    assert "Dalam Pengecekan" in sent
