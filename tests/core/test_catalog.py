"""Every msgid used in the code is translated in `id` and `en`; no f-strings inside _()."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "gettext": None}


def _code_msgids() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_msgid_is_translated(locale: str) -> None:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    translated: dict[str | tuple[str, ...], object] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            translated[key] = message.string
    missing = sorted(str(m) for m in _code_msgids() - translated.keys())
    assert not missing, f"untranslated in {locale}: {missing}"


def test_placeholders_survive_translation() -> None:
    with (ROOT / "locales/id/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"\{\w+\}", str(ids[-1])))
        for text in strings:
            assert set(re.findall(r"\{\w+\}", str(text))) == wanted, message.id


def test_no_fstrings_inside_gettext() -> None:
    offenders = []
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "handlers").rglob("*.py")):
        if re.search(r"\b(?:_|N_|ngettext)\(\s*f[\"']", path.read_text("utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
