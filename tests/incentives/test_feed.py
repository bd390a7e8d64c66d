"""What the operator feed refuses before anything is stored or shown to a participant."""

from __future__ import annotations

import pytest

from bot.core.program import Program
from bot.incentives.feed import RowError, parse_update

BASE = {"ref": "PK-ABCDEF", "item": "incentive.1", "status": "gagal", "date": "2021-12-12"}


@pytest.mark.parametrize(
    "note",
    ["rekening 1234567890 salah", "NIK 3201234567890123 beda", "kode otp 482913"],
)
def test_a_note_with_a_secret_is_refused(program: Program, note: str) -> None:
    with pytest.raises(RowError, match="looks like") as caught:
        parse_update({**BASE, "note": note}, program)
    for token in note.split():
        if any(ch.isdigit() for ch in token):
            assert token not in str(caught.value)


def test_a_plain_note_is_kept(program: Program) -> None:
    update = parse_update({**BASE, "note": "nama di e-wallet berbeda"}, program)
    assert update.note == "nama di e-wallet berbeda"


def test_an_unknown_partner_is_not_echoed(program: Program) -> None:
    fields = {**BASE, "status": "paid", "partner": "1234567890"}
    with pytest.raises(RowError, match="unknown partner") as caught:
        parse_update(fields, program)
    assert "1234567890" not in str(caught.value)
