"""Progress said in words: a negated or supposed clause states no progress."""

from __future__ import annotations

import pytest

from bot.nlu.cues import cues
from handlers.facts import claims_purchase


@pytest.mark.parametrize(
    "text",
    [
        "sy blm pernah beli pelatihan online",
        "klo udh beli tp ga selesai gmn",
        "kalau sudah beli pelatihan terus gimana",
        "saya belum beli, klo sudah beli harus ngapain",
        "if I already bought it, what then",
    ],
)
def test_no_purchase_claimed_when_negated_or_supposed(text: str) -> None:
    assert not claims_purchase(text)
    assert "purchase" not in cues().progress_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "udh beli pelatihan di tokped tp kok di dashboard ga muncul",
        "sudah beli kemarin",
        "udah bayar kelasnya, sertifikat kapan keluar",
    ],
)
def test_a_purchase_stated_is_claimed(text: str) -> None:
    assert claims_purchase(text)


def test_progress_in_supposed_clause_is_not_read() -> None:
    assert cues().progress_in("kalau udah dapet sertifikat, insentif kapan") == []
    assert cues().progress_in("udah dapet sertifikat, insentif kapan") == ["certificate"]
