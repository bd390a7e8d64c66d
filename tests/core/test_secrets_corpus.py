"""Both directions of the secrets corpus on the detector: every secret found with its kind and
gone from the redacted text; no message without one raises an alarm."""

from __future__ import annotations

import pytest

from bot.core.program import load_program
from bot.core.safety import keepable, scan
from tests.secrets_corpus import HARMLESS, LABELS, SECRETS, Line, load

KNOWN = load_program().public_numbers


def test_the_corpus_is_big_and_labelled() -> None:
    assert len(load()) >= 220
    assert len(SECRETS) >= 120 and len(HARMLESS) >= 100
    assert all(label in LABELS for line in SECRETS for label in line.labels)
    assert all(line.values for line in SECRETS)
    assert len({line.text for line in load()}) == len(load())  # no line twice


@pytest.mark.parametrize("line", SECRETS, ids=lambda line: line.text[:40])
def test_every_secret_is_found_and_removed(line: Line) -> None:
    found = scan(line.text, KNOWN)
    assert set(found.kinds) == line.kinds
    for value in line.values:
        assert value in line.text
        assert value not in found.redacted
        assert value not in keepable(line.text, KNOWN)


@pytest.mark.parametrize("line", HARMLESS, ids=lambda line: line.text[:40])
def test_no_false_alarm(line: Line) -> None:
    found = scan(line.text, KNOWN)
    assert found.secret is None, found.redacted
    assert found.redacted == line.text


def test_rates() -> None:
    """The figures the report quotes: all secrets caught, no false alarm."""
    caught = sum(set(scan(line.text, KNOWN).kinds) == line.kinds for line in SECRETS)
    alarms = sum(scan(line.text, KNOWN).secret is not None for line in HARMLESS)
    assert (caught, alarms) == (len(SECRETS), 0)


def test_help_lines_need_the_program_file_only_where_no_word_says_so() -> None:
    assert scan("BNI 1500046").secret is None  # a 1500xxx line is one by its shape
    assert scan("dulu nomornya 021-25541246 ya").secret is None  # a landline
    assert scan("cs gopay 50849000").secret is None  # said to be a help line
    assert scan("linkaja 150911", KNOWN).secret is None  # only the program file knows this
