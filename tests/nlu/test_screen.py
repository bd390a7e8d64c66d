"""Reading a screenshot's text: rows and their statuses in either layout, dates, banners,
the selection result, the balance and a certificate."""

from __future__ import annotations

from datetime import date

from bot.nlu.screen import read_screen


def _rows(text: str) -> list[tuple[bool, int, str | None, date | None]]:
    screen = read_screen(text)
    return [(r.survey, r.number, r.entry.meaning if r.entry else None, r.day) for r in screen.rows]


def test_status_on_the_rows_line_with_its_date() -> None:
    text = "Insentif Pelatihan 1 Gagal\nRp600.000 - 15 Juni 2021\nInsentif Survei 1 Dijadwalkan"
    assert _rows(text) == [
        (False, 1, "failed", date(2021, 6, 15)),
        (True, 1, "scheduled", None),
    ]


def test_statuses_in_a_column_of_their_own_go_to_the_rows_in_order() -> None:
    text = (
        "Insentif Pelatihan 1\nInsentif Pelatihan 2\nRp600.000 15Juli 2021\n"
        "Sedang Diproses\nBelum Diproses"
    )
    assert [m for _, _, m, _ in _rows(text)] == ["processing", "not_processed"]


def test_a_row_without_a_readable_status_takes_none_of_the_next_rows() -> None:
    text = "Insentif Pelatihan 1\nRp600.000\nInsentif Pelatihan 2 Dana Tertahan"
    assert [(n, m) for _, n, m, _ in _rows(text)] == [(1, None), (2, "held")]


def test_ocr_slips_are_tolerated() -> None:
    text = "lnsentif Pelatihan 1 Dalam Pengecekam\nRp600.000 · 3 Agustos 2021"
    screen = read_screen(text)
    (row,) = screen.rows
    assert row.entry is not None and row.label == "dalam pengecekan"
    assert row.day == date(2021, 8, 3)


def test_banner_selection_balance_and_certificate() -> None:
    screen = read_screen("Insentif Anda gagal dicairkan\nSaldo Pelatihan\nRp150.000")
    assert screen.banner and screen.balance == 150_000 and not screen.rows
    screen = read_screen("Status Gelombang 22\nKamu Belum Berhasil")
    assert [e.meaning for e, _ in screen.others] == ["not_selected"]
    assert read_screen("Sertifikat sudah terbit\nLihat Sertifikat").certificate
    assert not read_screen("Beranda Pelatihan Insentif Sertifikat").understood
