"""`prakerja-bot classify`: JSON lines in the order of the input lines."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.app.cli import main
from bot.nlu import INTENTS


def test_classify_prints_one_json_object_per_line() -> None:
    lines = "otp nya gak masuk masuk\n\ninsentif aku kok blm cair\nresep rendang\n"
    result = CliRunner().invoke(main, ["classify"], input=lines)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in records] == [
        "otp nya gak masuk masuk",
        "insentif aku kok blm cair",
        "resep rendang",
    ]
    assert [r["intent"] for r in records] == ["otp", "incentive_status", "unknown"]
    assert all(r["intent"] in INTENTS and 0 <= r["confidence"] <= 1 for r in records)


def test_classify_in_english() -> None:
    result = CliRunner().invoke(main, ["classify", "--locale", "en"], input="stop reminders\n")
    assert json.loads(result.output)["intent"] == "stop_reminders"
