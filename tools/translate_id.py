"""Writes Indonesian translations from a Python mapping file into the `id` catalog.

Usage: python tools/translate_id.py SOURCE  where SOURCE is a Python file defining
ID = {msgid: msgstr} or another `id` catalog (.po, e.g. a branch's version).
Only empty or fuzzy entries are filled; real translations win. Prints what is still missing.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path("locales/id/LC_MESSAGES/messages.po")


def _mapping(source: str) -> dict[object, object]:
    if source.endswith(".po"):
        with open(source, "rb") as handle:
            catalog = read_po(handle, locale="id")
        return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    return dict(runpy.run_path(source)["ID"])


def main(source: str) -> None:
    mapping = _mapping(source)
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        empty = message.fuzzy or (
            not all(message.string) if isinstance(message.id, tuple) else not message.string
        )
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
