"""Dates inside messages: "tgl 29", "30/11", "1 desember"."""

from __future__ import annotations

from datetime import date

import pytest

from bot.nlu.entities import find_date

TODAY = date(2021, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kalo beli tgl 29 masih keburu ga", date(2021, 11, 29)),
        ("tgl 5", date(2021, 12, 5)),  # the 5th already passed this month
        ("tgl 30/11 itu hari terakhir?", date(2021, 11, 30)),
        ("tanggal 1 desember udah telat belum", date(2021, 12, 1)),
        ("beli 1/12/2021", date(2021, 12, 1)),
        ("1.12.2021", date(2021, 12, 1)),
        ("jam 23.59", None),
        ("insentif 600rb", None),
        ("31/2", None),
    ],
)
def test_find_date(text: str, expected: date | None) -> None:
    assert find_date(text, TODAY) == expected
