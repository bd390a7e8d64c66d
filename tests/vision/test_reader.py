"""The picture reader end to end: synthetic screenshots read by Tesseract in a worker process,
refusals, the time limit, the memory cap, a flood, and a worker killed mid-read."""

from __future__ import annotations

import asyncio
import io
import os
import signal
from dataclasses import replace

from PIL import Image

from bot.core.domain import PictureProblem
from bot.nlu.screen import read_screen
from bot.vision import Limits, Reader
from tests.ocr import open_reader
from tests.screenshots import Screen, corpus, make_screen, render

# A small slice of the benchmark's set (bench/screenshots.py reads 150+): every kind of page,
# photos of a screen and dark mode among them.
SEEDS = range(200, 216)


def _read_statuses(text: str) -> list[tuple[str, int, str]]:
    screen = read_screen(text)
    found = [
        ("Survei" if row.survey else "Pelatihan", row.number, row.entry.meaning)
        for row in screen.rows
        if row.entry is not None
    ]
    found += [("Seleksi", 0, entry.meaning) for entry, _ in screen.others]
    return found


def _big_screen() -> Screen:
    """A slow read: a long, wide screenshot photographed (a second or more)."""
    return replace(make_screen(5), width=1440, photo=True)


async def test_status_labels_are_read_from_screenshots(reader: Reader) -> None:
    screens = corpus(len(SEEDS), SEEDS.start)
    assert any(s.dark for s in screens) and any(s.photo for s in screens)
    right = total = 0
    for screen in screens:
        picture = await reader.read(render(screen))
        assert picture.problem is None, (screen.seed, picture.problem)
        found = _read_statuses(picture.text)
        right += sum(1 for expected in screen.expected if expected in found)
        total += len(screen.expected)
    assert total >= 20
    assert right / total >= 0.9, f"{right}/{total} status labels read right"


async def test_a_corrupt_or_non_image_file_is_refused(reader: Reader) -> None:
    jpeg = render(make_screen(1))
    for data in (b"not an image at all", jpeg[: len(jpeg) // 3], b"%PDF-1.4\n" + b"0" * 500):
        picture = await reader.read(data)
        assert picture.problem == PictureProblem.UNREADABLE
        assert picture.text == ""


async def test_too_many_pixels_are_refused_before_decoding(reader: Reader) -> None:
    out = io.BytesIO()
    Image.new("L", (9000, 9000), 255).save(out, "PNG")  # 81 MP in a few hundred KB
    assert len(out.getvalue()) < reader.limits.max_bytes
    assert (await reader.read(out.getvalue())).problem == PictureProblem.TOO_BIG


async def test_too_many_bytes_are_refused_without_a_worker(reader: Reader) -> None:
    picture = await reader.read(b"\xff" * (reader.limits.max_bytes + 1))
    assert picture.problem == PictureProblem.TOO_BIG
    assert reader.reads == 0


async def test_a_worker_killed_mid_read_fails_that_read_only(reader: Reader) -> None:
    reading = asyncio.ensure_future(reader.read(render(_big_screen())))
    for _ in range(500):
        if reader.running:
            break
        await asyncio.sleep(0.005)
    (pid,) = reader.running
    os.kill(pid, signal.SIGKILL)
    assert (await reading).problem == PictureProblem.FAILED
    assert not reader.running
    after = await reader.read(render(make_screen(3)))  # a new worker reads the next one
    assert after.problem is None and "Insentif" in after.text


async def test_a_read_over_the_time_limit_is_killed() -> None:
    async for reader in open_reader(Limits(seconds=0.3)):
        started = asyncio.get_running_loop().time()
        picture = await reader.read(render(_big_screen()))
        assert picture.problem == PictureProblem.FAILED
        assert asyncio.get_running_loop().time() - started < 6
        assert not reader.running


async def test_the_memory_cap_stops_a_greedy_read() -> None:
    async for reader in open_reader(Limits(memory_bytes=40 * 1024 * 1024)):
        picture = await reader.read(render(make_screen(3)))
        assert picture.problem in (PictureProblem.TOO_BIG, PictureProblem.FAILED)


async def test_a_flood_beyond_the_queue_is_told_to_wait() -> None:
    async for reader in open_reader(Limits(workers=1, queue=1)):
        data = render(make_screen(3))
        pictures = await asyncio.gather(*(reader.read(data) for _ in range(4)))
        problems = [p.problem for p in pictures]
        assert problems.count(None) == 2  # one read, one waiting
        assert problems.count(PictureProblem.BUSY) == 2
