"""The scam check on its corpus (tests/data/scams_corpus.tsv) and on look-alike addresses."""

from __future__ import annotations

import pytest

from bench.scams import load
from bot.core.program import Program, load_program
from bot.nlu.scams import Official, Sign, check

PROGRAM = load_program()
LINES = load()


def test_the_corpus_is_big_enough() -> None:
    assert len(LINES) >= 120
    assert sum(label == "scam" for label, _, _ in LINES) >= 60
    assert sum(label == "official" for label, _, _ in LINES) >= 50


def test_rates_meet_the_targets() -> None:
    verdicts = [(label, check(text, PROGRAM, forwarded=fwd)) for label, fwd, text in LINES]
    scams = [v is not None and v.flagged for label, v in verdicts if label == "scam"]
    official = [v is not None and v.flagged for label, v in verdicts if label == "official"]
    assert sum(scams) / len(scams) >= 0.95
    assert sum(official) / len(official) <= 0.02


@pytest.mark.parametrize(
    "address",
    [
        "prakerja-go.id",
        "prakerja.info",
        "prakerja.id",
        "kartuprakerja.com",
        "https://prakerja.go.id.info/daftar",
        "dashboard.prakerja12.xyz",
        "prakreja.com",
        "prakerj4.com",
        "prakerja[.]vip",
    ],
)
def test_look_alike_domains_are_flagged(address: str) -> None:
    verdict = check(f"daftar di {address}", PROGRAM)
    assert verdict is not None and verdict.signs == (Sign.LOOKALIKE,)
    assert not verdict.official


@pytest.mark.parametrize("address", ["bit.ly/abc", "s.id/prakerja", "https://tinyurl.com/x1"])
def test_shortened_links_are_flagged(address: str) -> None:
    verdict = check(address, PROGRAM)
    assert verdict is not None and Sign.SHORTENER in verdict.signs


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("https://bantuan.prakerja.go.id/hc/id/requests/new", Official.SITE),
        ("dashboard.prakerja.go.id", Official.SITE),
        ("follow @prakerjagoid", Official.ACCOUNT),
        ("0800 150 3001", Official.NUMBER),
        ("https://www.ovo.id/prakerja", Official.PARTNER),
    ],
)
def test_official_addresses_are_named(text: str, kind: Official) -> None:
    verdict = check(text, PROGRAM)
    assert verdict is not None and not verdict.flagged
    assert kind in {k for _, k, _ in verdict.official}


def test_nothing_to_check_without_link_number_or_forward() -> None:
    assert check("kapan insentif cair?", PROGRAM) is None
    assert check("nomor hp saya 081234567890 yg terdaftar di prakerja", PROGRAM) is None
    assert check("https://www.youtube.com/watch?v=abc", PROGRAM) is None


def test_the_program_file_decides_what_is_official(program: Program) -> None:
    channels = program.official_channels.model_copy(
        update={"domains": ("prakerja-baru.example.id",)}
    )
    other = program.model_copy(update={"official_channels": channels})
    verdict = check("www.prakerja.go.id", other)
    assert verdict is not None and verdict.signs == (Sign.LOOKALIKE,)
    named = check("https://prakerja-baru.example.id/daftar", other)
    assert named is not None and not named.flagged and named.official
