"""A picture reader for the vision tests (skipped locally without Tesseract, failed in CI)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.vision import Reader
from tests.ocr import open_reader


@pytest.fixture
async def reader() -> AsyncIterator[Reader]:
    async for opened in open_reader():
        yield opened
