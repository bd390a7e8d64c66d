"""The OCR engine the screenshot tests need: Tesseract's Indonesian data (apt packages
tesseract-ocr tesseract-ocr-ind, which `.ci/run` installs) and tesserocr (pyproject)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.vision import Limits, Reader, available

MISSING = (
    "screenshot tests need Tesseract's Indonesian data "
    "(apt-get update && apt-get install -y tesseract-ocr tesseract-ocr-ind)"
)


def require_ocr() -> None:
    """Skips the test when the OCR engine is missing; under CI (CI=1) fails it instead."""
    if available():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{MISSING}; CI must run them")
    pytest.skip(f"{MISSING}; in CI they always run")


async def open_reader(limits: Limits | None = None) -> AsyncIterator[Reader]:
    """A reader for one test (its workers come from the shared fork server)."""
    require_ocr()
    yield Reader(limits)
