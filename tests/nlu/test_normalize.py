"""Normalising informal Indonesian: case, repeats, slang, suffixes, typos, numbers and dates."""

from __future__ import annotations

import pytest

from bot.core.safety import REDACTED
from bot.nlu import classifier
from bot.nlu.normalize import Normalizer


def _norm(text: str) -> str:
    return classifier("id").normalizer.text(text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("GMN CARA BELI", "bagaimana cara beli"),
        ("udh blm brp kpn yg dgn", "sudah belum berapa kapan yang dengan"),
        ("gimana udah hrs dll", "bagaimana sudah harus dan lain lain"),
        ("ga gak nggak ngga tdk", "tidak tidak tidak tidak tidak"),
        ("sy aku saya", "saya saya saya"),
        ("halo min kak gan bang", "halo kak kak kak kak"),
        ("sampe kpn hrs beli", "sampai kapan harus beli"),
        ("pleaseee", "tolong"),
        ("kakkk", "kak"),
        ("halooooo", "halo"),
        ("otpnya", "otp"),
        ("masuk2", "masuk"),
        ("masuk-masuk", "masuk"),
        ("sertifikatgak muncul", "sertifikat tidak muncul"),
        ("insentip", "insentif"),
        ("sertifkat", "sertifikat"),
        ("pelatiahn", "pelatihan"),
        ("tgl 30", "tanggal <angka>"),
        ("30/11", "<tanggal>"),
        ("30/11/2021", "<tanggal>"),
        ("1 nov 2021", "<tanggal>"),
        ("jam 23.59", "jam <jam>"),
        ("600rb", "<uang>"),
        ("rp 3.550.000", "<uang>"),
        ("5x", "<angka> kali"),
        (f"kode otp {REDACTED} gak masuk", "kode otp tidak masuk"),
        ("Sertifikát", "sertifikat"),
        ("assalamu'alaikum", "assalamualaikum"),
    ],
)
def test_normalises(typed: str, expected: str) -> None:
    assert _norm(typed) == expected


def test_unknown_words_are_kept() -> None:
    assert _norm("rendang padang") == "rendang padang"


def test_slang_table_is_data() -> None:
    normalizer = Normalizer({"mantul": "mantap betul"}, ["mantap", "betul"])
    assert normalizer.text("MANTUL") == "mantap betul"
    assert normalizer.text("mantaap") == "mantap"
