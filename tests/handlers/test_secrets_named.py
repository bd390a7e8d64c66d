"""Secrets sent by mistake: each kind named in one warning, none kept anywhere."""

from __future__ import annotations

import pytest

from bot.core.safety import Secret, keepable, scan
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("min td ada yg telpon minta kode, udah sy kasih 772910, gmn ni", "kode OTP"),
        ("pin dana saya 123456 kak", "PIN"),
        ("cvv 987", "kode CVV-mu"),
        ("kartu kredit 4111 1111 1111 1111 exp 12/25", "nomor kartu bank"),
        ("min ini NIK saya 3174012345678901 dan otp 483921, tolong", "NIK dan kode OTP"),
    ],
)
async def test_the_warning_names_what_was_sent(
    chat: Chat, store: SqlStore, text: str, named: str
) -> None:
    await onboard(chat)
    await chat.send(text)
    warnings = [r.text for r in chat.replies if r.text.startswith("⚠️")]
    assert len(warnings) == 1 and f"mengirim {named}" in warnings[0]
    digits = [w for w in text.replace(",", " ").split() if w.isdigit() and len(w) >= 3]
    assert not any(d in chat.text for d in digits)  # never repeated
    saved = await store.list_unknown(50)
    assert not any(d in m.text for m in saved for d in digits)  # never kept


def test_a_code_before_a_comma_or_full_stop_is_still_a_code() -> None:
    assert scan("udah kukasih 772910, terus gmn").secret == Secret.OTP
    assert scan("kodenya 4839.").secret == Secret.OTP
    assert scan("insentif 600.000, tgl 16").secret is None


def test_kept_text_has_no_phone_numbers_or_addresses() -> None:
    kept = keepable("saya dr bekasi hp 081298765432 email budi@example.com, 600.000 tgl 16")
    assert "081298765432" not in kept and "budi@example.com" not in kept
    assert "600.000" in kept and "tgl 16" in kept
