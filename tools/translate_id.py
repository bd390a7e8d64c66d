"""Writes Indonesian translations from a Python mapping file into the `id` catalog.

Usage: python tools/translate_id.py MAPPING.py  (the file defines ID = {msgid: msgstr}).
Only empty entries are filled; existing translations win. Prints what is still missing.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path("locales/id/LC_MESSAGES/messages.po")


def main(mapping_file: str) -> None:
    mapping = runpy.run_path(mapping_file)["ID"]
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        empty = not all(message.string) if isinstance(message.id, tuple) else not message.string
        if empty and message.id in mapping:
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
        elif empty:
            missing.append(message.id)
    with PO.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, no_location=True, width=99)
    for msgid in missing:
        print("missing:", repr(msgid))


if __name__ == "__main__":
    main(sys.argv[1])
