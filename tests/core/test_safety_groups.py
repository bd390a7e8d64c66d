"""The secret detector catches codes typed in groups and card security codes."""

from __future__ import annotations

import hashlib

import pytest

from bot.core import safety
from bot.core.safety import Secret, scan


@pytest.mark.parametrize(
    "text",
    ["483 921", "kodenya 483 921 kak", "4 8 3 9 2 7", "kode 4-8-3-9-2-7", "483-921", "48 39 27"],
)
def test_grouped_codes_are_secrets(text: str) -> None:
    found = scan(text)
    assert found.secret == Secret.OTP
    assert not any(ch.isdigit() for ch in found.redacted)


@pytest.mark.parametrize("text", ["cvv 987", "CVV: 987", "cvc saya 1234", "kode keamanan 987"])
def test_card_security_codes_are_secrets(text: str) -> None:
    found = scan(text)
    assert found.secret == Secret.CVV
    assert "987" not in found.redacted and "1234" not in found.redacted


@pytest.mark.parametrize(
    "text", ["jam 10 30", "1 2 3", "gelombang 22", "lulus 4-8-21", "tgl 1-8-2021", "rp 50.000"]
)
def test_harmless_numbers_are_not(text: str) -> None:
    assert scan(text).secret is None


def _kept(text: str, known: frozenset[str]) -> bool:
    digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
    return (digest, known) in safety._NO_SECRET


def test_texts_without_a_secret_are_remembered_with_a_secret_never() -> None:
    known = frozenset({"48392175"})
    for _ in range(2):  # asked again: the same answer, from memory for the clean text
        assert scan("/menu", known) == safety.Scan(None, "/menu", ())
        assert scan("kode otp 483921", known).secret == Secret.OTP
        assert scan("ini 48392175", known).secret is None  # a number the program publishes
    assert _kept("/menu", known) and _kept("ini 48392175", known)
    assert not _kept("kode otp 483921", known)
    # only digests are kept: no participant's words stay in memory
    assert all(isinstance(d, bytes) and len(d) == 16 for d, _ in safety._NO_SECRET)
    # the same text with other known numbers is judged again, not taken from memory
    assert scan("ini 48392175", frozenset()).secret == Secret.OTP
    long = "saya " * 30 + "sudah daftar"
    assert scan(long).secret is None and not _kept(long, frozenset())
