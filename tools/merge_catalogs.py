"""Resolves a git merge conflict in the gettext catalogs by taking the union of both sides.

Usage (during a conflicted merge): python tools/merge_catalogs.py
For each conflicted locales/*/LC_MESSAGES/messages.po, every message of either side is kept,
with our translation winning when both sides translated it. Run `make extract` afterwards so
the catalogs match the merged code.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def _side(path: str, stage: int, locale: str) -> Catalog:
    shown = subprocess.run(
        ["git", "show", f":{stage}:{path}"], capture_output=True, check=False
    ).stdout
    return read_po(io.BytesIO(shown), locale=locale) if shown else Catalog(locale=locale)


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def merge(path: str) -> None:
    locale = Path(path).parts[-3]
    ours, theirs = _side(path, 2, locale), _side(path, 3, locale)
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id)
        if mine is None:
            ours[message.id] = message
        elif not _translated(mine.string) and _translated(message.string):
            mine.string = message.string
    buffer = io.BytesIO()
    write_po(buffer, ours, no_location=True, width=99)
    Path(path).write_bytes(buffer.getvalue())
    subprocess.run(["git", "add", path], check=True)
    print(f"merged {path}")


def main() -> None:
    conflicted = subprocess.run(
        ["git", "diff", "--name-only", "--diff-filter=U"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for path in conflicted:
        if path.endswith("messages.po"):
            merge(path)


if __name__ == "__main__":
    main()
