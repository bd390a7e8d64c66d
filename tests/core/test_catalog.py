"""Every msgid used in the code is translated in `id` and `en`; no f-strings inside _()."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
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


def _read(locale: str) -> Catalog:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_english_catalog_is_exactly_the_msgids() -> None:
    wrong = [
        (message.id, message.string)
        for message in _read("en")
        if message.id and message.string != message.id
    ]
    assert not wrong, f"en msgstr differs from its msgid: {wrong}"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_no_fuzzy_entries(locale: str) -> None:
    catalog = _read(locale)
    assert not catalog.fuzzy, "the header is fuzzy: pybabel compile would skip the catalog"
    assert not [m.id for m in catalog if m.id and m.fuzzy]
    assert "--use-fuzzy" not in (ROOT / "Makefile").read_text("utf-8")


def test_no_two_messages_share_one_indonesian_translation() -> None:
    """A msgstr copied from a neighbouring message shows up as two msgids with one text."""
    seen: dict[object, object] = {}
    shared = []
    for message in _read("id"):
        if not message.id:
            continue
        key = message.string if isinstance(message.string, str) else tuple(message.string or ())
        if key in seen and seen[key] != message.id:
            shared.append((seen[key], message.id, key))
        seen[key] = message.id
    assert not shared


def test_indonesian_lengths_are_plausible() -> None:
    """Another message's text is usually far shorter or longer than a real translation."""
    odd = []
    for message in _read("id"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        source = str(ids[-1])
        if len(source) < 16:
            continue
        for text in strings:
            if not 0.45 <= len(str(text)) / len(source) <= 2.2:
                odd.append((source, text))
    assert not odd
