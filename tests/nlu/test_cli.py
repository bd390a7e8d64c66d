"""`prakerja-bot classify`: JSON lines in the order of the input lines."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot import knowledge
from bot.app.cli import main
from bot.knowledge.entries import shipped_root
from bot.nlu import INTENTS
from tests.conftest import KB_FIXTURE


def test_classify_prints_one_json_object_per_line() -> None:
    lines = "otp nya gak masuk masuk\n\ninsentif aku kok blm cair\nresep rendang\n"
    knowledge.use(shipped_root())  # the shipped entries
    try:
        result = CliRunner().invoke(main, ["classify"], input=lines)
    finally:
        knowledge.use(KB_FIXTURE)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in records] == [
        "otp nya gak masuk masuk",
        "insentif aku kok blm cair",
        "resep rendang",
    ]
    assert [r["intent"] for r in records] == ["otp", "incentive_status", "unknown"]
    assert all(r["intent"] in INTENTS and 0 <= r["confidence"] <= 1 for r in records)
    assert records[0]["entry"] == "otp-tidak-masuk"  # the entry, its confidence, the next ones
    assert records[0]["entry_confidence"] >= 0.5 and len(records[0]["entries"]) == 3
    assert records[2]["entry_confidence"] < 0.2  # out of scope: no entry near


def test_classify_in_english() -> None:
    result = CliRunner().invoke(main, ["classify", "--locale", "en"], input="stop reminders\n")
    assert json.loads(result.output)["intent"] == "stop_reminders"
