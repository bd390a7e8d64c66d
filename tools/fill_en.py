"""Fills the English catalog from the msgids (English is the source language of the code).

Run by `make extract` after `pybabel update`; translations already in the catalog are kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill(path: Path) -> int:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        stale = message.fuzzy  # pybabel's guess from a similar old msgid
        if isinstance(message.id, tuple):
            if stale or not all(message.string):
                message.string = message.id
                filled += 1
        elif stale or not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, width=99)
    return filled


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "locales/en/LC_MESSAGES/messages.po")
    print(f"{target}: filled {fill(target)} messages")
