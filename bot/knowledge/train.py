"""Trains one locale's entry model in a process of its own and keeps it where the bot loads
it (bot/knowledge/search.py starts this), so scikit-learn never enters the bot's process.

Usage: python -m bot.knowledge.train ENTRIES.json MODEL.npz [--no-calibration]
(ENTRIES.json: {"locale": "id", "entries": [...]}, as search.py writes it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.knowledge.entries import Entry, KnowledgeBase
from bot.knowledge.search import Retriever


def main(argv: list[str]) -> int:
    source, target = Path(argv[0]), Path(argv[1])
    calibrate = "--no-calibration" not in argv[2:]
    data = json.loads(source.read_text("utf-8"))
    entries = tuple(Entry.model_validate(raw) for raw in data["entries"])
    kb = KnowledgeBase(data["locale"], entries, {e.id: "" for e in entries})
    retriever = Retriever(kb, calibrate=calibrate, train=False)
    retriever.save(retriever.train(calibrate), target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
