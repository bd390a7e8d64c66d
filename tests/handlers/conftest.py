"""Fixtures for the handler tests: the shipped knowledge base instead of the test fixture's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import knowledge
from bot.knowledge.entries import shipped_root
from tests.conftest import KB_FIXTURE


@pytest.fixture
def shipped() -> Iterator[None]:
    """The knowledge base the bot ships (bot/data/kb), back to the tests' small one after."""
    knowledge.use(shipped_root())
    try:
        yield
    finally:
        knowledge.use(KB_FIXTURE)
