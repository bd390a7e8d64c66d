"""Fills the English catalog from the msgids (English is the source language of the code).

Run by `make extract` after `pybabel update`; every msgstr is
set to its msgid (pybabel's fuzzy guesses from a neighbouring message are overwritten).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill(path: Path) -> int:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    filled = 0
    catalog.fuzzy = False  # a fuzzy header makes pybabel compile skip the whole catalog
    for message in catalog:
        if not message.id:
            continue
        # English is the source language: every msgstr is its msgid, always. Keeping an
        # existing msgstr let pybabel's fuzzy guesses (another message's text) survive.
        wanted = message.id
        if message.string != wanted:
            message.string = wanted
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, width=99)
    return filled


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "locales/en/LC_MESSAGES/messages.po")
    print(f"{target}: filled {fill(target)} messages")
