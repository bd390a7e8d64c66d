"""Phone numbers normalised to E.164 for matching the operator feed."""

from __future__ import annotations

import pytest

from bot.core.phones import normalise_phone


@pytest.mark.parametrize(
    "raw", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 34567890"]
)
def test_indonesian_forms(raw: str) -> None:
    assert normalise_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["", "12", "abc", "0812"])
def test_not_a_phone(raw: str) -> None:
    assert normalise_phone(raw) is None
