"""The OCR engine the screenshot tests need: Tesseract's Indonesian data (apt packages
tesseract-ocr tesseract-ocr-ind, which `.ci/run` installs) and tesserocr (pyproject)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.vision import Limits, Reader, available
from tests.screenshots import FONT_FILES, fonts

MISSING = (
    "screenshot tests need Tesseract's Indonesian data "
    "(apt-get update && apt-get install -y tesseract-ocr tesseract-ocr-ind)"
)


def require_ocr() -> None:
    """Skips the test when the OCR engine or the screenshots' fonts are missing; under CI
    (CI=1) fails it instead."""
    missing = None if available() else MISSING
    if missing is None and FONT_FILES[0] not in fonts():
        missing = "screenshot tests draw with DejaVu Sans (apt-get install -y fonts-dejavu-core)"
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{missing}; CI must run them")
    pytest.skip(f"{missing}; in CI they always run")


async def open_reader(limits: Limits | None = None) -> AsyncIterator[Reader]:
    """A reader for one test (its workers come from the shared fork server)."""
    require_ocr()
    yield Reader(limits)
