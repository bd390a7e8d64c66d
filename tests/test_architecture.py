"""The package layers of docs/architecture.md, checked by walking every module's imports.

A small AST walk rather than import-linter: it checks the same layer contract and, in the same
pass, which third-party libraries each package may import (telegram only in channels, SQL
drivers only in storage, no HTTP in handlers), with a failure that names the file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Top to bottom: a package may import its own modules and any package on a lower line; the
# packages on one line may not import each other (except where `ALSO` says so).
LAYERS: list[tuple[str, ...]] = [
    ("bot.app",),
    ("bot.channels", "bot.console"),
    ("handlers",),
    ("bot.conversation",),
    ("bot.nlu", "bot.outbox", "bot.incentives"),
    ("bot.storage",),
    ("bot.core",),
]
# Libraries only these packages may import.
ONLY_IN: dict[str, tuple[str, ...]] = {
    "telegram": ("bot.channels",),
    "sqlite3": ("bot.storage",),
    "aiosqlite": ("bot.storage",),
    "psycopg": ("bot.storage",),
    "psycopg_pool": ("bot.storage",),
    "httpx": ("bot.channels",),
    "aiohttp": ("bot.app", "bot.channels", "bot.console", "bot.incentives.api"),
}


def _package(module: str) -> str | None:
    for line in LAYERS:
        for package in line:
            if module == package or module.startswith(package + "."):
                return package
    return None


def _layer(package: str) -> int:
    return next(i for i, line in enumerate(LAYERS) if package in line)


def _modules() -> Iterator[tuple[str, Path]]:
    for folder in ("bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
            for alias in node.names:  # `from bot.app import runner` imports bot.app.runner
                yield f"{node.module}.{alias.name}", node.lineno


def _violations() -> list[str]:
    found = []
    for module, path in _modules():
        own = _package(module)
        where = path.relative_to(ROOT)
        for target, line in _imports(path):
            top = target.split(".", 1)[0]
            allowed = ONLY_IN.get(top)
            if allowed and not any(module == a or module.startswith(a + ".") for a in allowed):
                found.append(f"{where}:{line}: {module} may not import {target}")
            if own is None or top not in ("bot", "handlers"):
                continue
            theirs = _package(target)
            if theirs is None or theirs == own:
                continue
            if _layer(theirs) <= _layer(own):
                found.append(f"{where}:{line}: {own} may not import {theirs} ({target})")
    return found


def test_every_module_belongs_to_a_layer() -> None:
    loose = [m for m, _ in _modules() if _package(m) is None and m not in ("bot", "bot.__main__")]
    loose = [m for m in loose if not m.startswith("bot.data")]
    assert loose == [], f"modules outside every package of LAYERS: {loose}"


def test_imports_point_down() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("module", "target"),
    [("bot.core.clock", "bot.storage.base"), ("bot.outbox.delivery", "handlers.notices")],
)
def test_an_upward_import_is_caught(module: str, target: str) -> None:
    own, theirs = _package(module), _package(target)
    assert own is not None and theirs is not None
    assert _layer(theirs) <= _layer(own)


def test_no_module_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for _, path in _modules()
        if (n := len(path.read_text("utf-8").splitlines())) > 400
    }
    assert long == {}
