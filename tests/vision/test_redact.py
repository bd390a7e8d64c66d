"""What leaves the picture reader: a screenshot's text without NIK, KK, card, account or phone
numbers and without the names after "Nama"; dates, amounts and statuses kept."""

from __future__ import annotations

from bot.core.safety import unnamed
from bot.vision.redact import redact

SCREEN = """09:41 4G 87%
Kartu Prakerja
Nomor Kartu Prakerja
52O6 69O7 4391 5OOO
Nama Lengkap: Siti Rahmawati
NIK: 3201234567890123
No. KK 3201 2345 6789 0001
Saldo Pelatihan
Rp1.000.000
Rekening: OVO 0812-2453-8323
Insentif Pelatihan 1 Gagal
Rp600.000 · 15 Juni 2021
Insentif Pelatihan 2 Dalam Pengecekan
Rp600.000 - 15Juli 2021
Nomor rekening BNI 0123456789 a.n. Budi
"""


def test_numbers_and_names_are_gone_and_the_statuses_stay() -> None:
    safe = redact(SCREEN)
    digits = "".join(c for c in safe.text if c.isdigit())
    for secret in ("5206690743915000", "3201234567890123", "3201234567890001", "081224538323"):
        assert secret not in digits
    assert "0123456789" not in safe.text
    assert "Rahmawati" not in safe.text
    for kept in ("Insentif Pelatihan 1 Gagal", "Dalam Pengecekan", "15 Juni 2021", "15Juli 2021"):
        assert kept in safe.text
    assert "Rp600.000" in safe.text and "Rp1.000.000" in safe.text


def test_a_visible_card_number_is_said_never_shown() -> None:
    assert redact(SCREEN).card_number
    assert not redact("Kartu Prakerja\nSaldo Pelatihan Rp1.000.000").card_number
    assert not redact("NIK: 3201234567890123").card_number  # a NIK is not the card


def test_a_name_on_the_line_below_its_label_goes_too() -> None:
    assert unnamed("Nama Lengkap\nBudi Santoso\nGagal") == "Nama Lengkap\n▒\nGagal"
    assert unnamed("Nama Pemilik Rekening: Agus Salim") == "Nama Pemilik Rekening ▒"
    assert unnamed("Insentif Pelatihan 1 Gagal") == "Insentif Pelatihan 1 Gagal"
