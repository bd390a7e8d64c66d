"""The package layers of docs/architecture.md, checked by walking every module's imports.

A small AST walk rather than import-linter: it checks the same layer contract and, in the same
pass, which libraries each package may import (telegram only in channels, SQL drivers only in
storage, no HTTP client in handlers), with a failure that names the file and line. Relative
imports are banned by ruff (TID252), so every import is seen here by its absolute name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Top to bottom: a package may import its own modules and any package on a lower line; the
# packages on one line may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("bot.app",),
    ("bot.channels.telegram", "bot.channels.whatsapp", "bot.channels.terminal", "bot.console"),
    ("bot.channels",),  # the package itself and what its channels share (parts)
    ("handlers",),
    ("bot.conversation",),
    ("bot.knowledge",),  # the knowledge base: entries, placeholders, retrieval (over bot.nlu)
    ("bot.nlu", "bot.outbox", "bot.incentives", "bot.vision"),
    ("bot.storage",),
    ("bot.core",),
]
# Libraries (and modules of the standard library) only these packages may import.
ONLY_IN: dict[str, tuple[str, ...]] = {
    "telegram": ("bot.channels",),
    "sqlite3": ("bot.storage",),
    "aiosqlite": ("bot.storage",),
    "psycopg": ("bot.storage",),
    "psycopg_pool": ("bot.storage",),
    "httpx": ("bot.channels",),
    "requests": (),
    "urllib.request": (),
    "http.client": (),
    "tesserocr": ("bot.vision",),
    "PIL": ("bot.vision",),
    "aiohttp": ("bot.app", "bot.channels", "bot.console", "bot.incentives.api"),
}


# Outside bot/storage the store is used through its roles (bot/storage/roles/: the outbox
# against OutboxStore, the console against ConsoleStore, ...): no module imports a concrete
# store or the database layer, or names a concrete store class (no isinstance, no cast).
CONCRETE_STORE = (
    "bot.storage.sqlite",
    "bot.storage.postgres",
    "bot.storage.store",
    "bot.storage.pg",
    "bot.storage.database",
    "bot.storage.SqliteStore",
    "bot.storage.SqlStore",
)
STORE_CLASSES = frozenset({"SqliteStore", "PostgresStore", "SqlStore"})


def _package(module: str) -> str | None:
    for line in LAYERS:
        for package in line:
            if module == package or module.startswith(package + "."):
                return package
    return None


def _layer(package: str) -> int:
    return next(i for i, line in enumerate(LAYERS) if package in line)


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _modules(root: Path) -> Iterator[tuple[str, Path]]:
    for folder in ("bot", "handlers"):
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, node.lineno
            for alias in node.names:  # `from bot.app import runner` imports bot.app.runner
                yield f"{node.module}.{alias.name}", node.lineno


def violations(root: Path) -> list[str]:
    """Every import in root's bot/ and handlers/ that breaks the layers or the library rules."""
    found = []
    for module, path in _modules(root):
        own = _package(module)
        where = path.relative_to(root)
        for target, line in _imports(path):
            for library, allowed in ONLY_IN.items():
                if _within(target, (library,)) and not _within(module, allowed):
                    found.append(f"{where}:{line}: {module} may not import {target}")
            if own is None or target.split(".", 1)[0] not in ("bot", "handlers"):
                continue
            theirs = _package(target)
            if theirs is not None and theirs != own and _layer(theirs) <= _layer(own):
                found.append(f"{where}:{line}: {own} may not import {theirs} ({target})")
    return sorted(set(found))


def store_violations(root: Path) -> list[str]:
    """Every use of a concrete store (import or name) outside bot/storage."""
    found = []
    for module, path in _modules(root):
        if _within(module, ("bot.storage",)):
            continue
        where = path.relative_to(root)
        for target, line in _imports(path):
            if _within(target, CONCRETE_STORE):
                found.append(f"{where}:{line}: {module} may not import {target}")
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Name) and node.id in STORE_CLASSES:
                found.append(f"{where}:{node.lineno}: {module} names {node.id}")
            elif isinstance(node, ast.Attribute) and node.attr in STORE_CLASSES:
                found.append(f"{where}:{node.lineno}: {module} names {node.attr}")
    return sorted(set(found))


def import_cycles(root: Path) -> list[list[str]]:
    """Groups of modules of bot/ and handlers/ that import each other, directly or round a
    cycle (imports inside functions count; those under TYPE_CHECKING do not)."""
    modules = dict(_modules(root))
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text("utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        graph[module] = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            graph[module].update(n for n in names if n in modules and n != module)
    found: list[list[str]] = []
    for start in sorted(graph):  # every module reachable from start that reaches it back
        reach = _reaching(graph, start)
        if start in reach:
            group = sorted(m for m in reach if start in _reaching(graph, m))
            if group not in found:
                found.append(group)
    return found


def _reaching(graph: dict[str, set[str]], start: str) -> set[str]:
    reach: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()] - reach:
            reach.add(nxt)
            todo.append(nxt)
    return reach


def test_every_module_belongs_to_a_layer() -> None:
    loose = [
        m
        for m, _ in _modules(ROOT)
        if _package(m) is None
        and m not in ("bot", "bot.__main__")
        and m.split(".")[:2] != ["bot", "data"]
    ]
    assert loose == [], f"modules outside every package of LAYERS: {loose}"


def test_imports_point_down() -> None:
    assert violations(ROOT) == []


def test_the_walk_finds_planted_violations(tmp_path: Path) -> None:
    planted = {
        "bot/outbox/delivery.py": "import handlers.router\n",
        "bot/core/clock.py": "from bot.storage.base import Store\n",
        "bot/channels/telegram/sender.py": "from bot.channels.whatsapp import sender\n",
        "handlers/menu.py": "import telegram\nimport urllib.request\nimport urllib.parse\n",
        "bot/nlu/model.py": "from bot.outbox import planner\n",
        "handlers/ok.py": "from bot.conversation.context import Context\nimport bot.core.clock\n",
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert violations(tmp_path) == [
        "bot/channels/telegram/sender.py:1: bot.channels.telegram may not import"
        " bot.channels.whatsapp (bot.channels.whatsapp)",
        "bot/channels/telegram/sender.py:1: bot.channels.telegram may not import"
        " bot.channels.whatsapp (bot.channels.whatsapp.sender)",
        "bot/core/clock.py:1: bot.core may not import bot.storage (bot.storage.base)",
        "bot/core/clock.py:1: bot.core may not import bot.storage (bot.storage.base.Store)",
        "bot/nlu/model.py:1: bot.nlu may not import bot.outbox (bot.outbox)",
        "bot/nlu/model.py:1: bot.nlu may not import bot.outbox (bot.outbox.planner)",
        "bot/outbox/delivery.py:1: bot.outbox may not import handlers (handlers.router)",
        "handlers/menu.py:1: handlers.menu may not import telegram",
        "handlers/menu.py:2: handlers.menu may not import urllib.request",
    ]


def test_the_store_is_used_through_its_roles() -> None:
    assert store_violations(ROOT) == []


def test_the_store_walk_finds_planted_uses(tmp_path: Path) -> None:
    planted = {
        "bot/outbox/delivery.py": "from bot.storage.sqlite import SqliteStore\n",
        "bot/app/wiring.py": "import bot.storage\nassert isinstance(s, bot.storage.SqlStore)\n",
        "bot/console/app.py": "from bot.storage.roles import ConsoleStore\n",
        "bot/storage/sqlite.py": "class SqliteStore: ...\n",
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert store_violations(tmp_path) == [
        "bot/app/wiring.py:2: bot.app.wiring names SqlStore",
        "bot/outbox/delivery.py:1: bot.outbox.delivery may not import bot.storage.sqlite",
        "bot/outbox/delivery.py:1: bot.outbox.delivery may not import"
        " bot.storage.sqlite.SqliteStore",
    ]


def test_no_import_cycles() -> None:
    """Registries are built from ordered lists (handlers/notice_kinds.py, bot/console/site.py),
    not by modules importing back the ones that import them."""
    assert import_cycles(ROOT) == []


def test_the_cycle_walk_finds_a_planted_cycle(tmp_path: Path) -> None:
    planted = {
        "handlers/notices.py": "def f() -> None:\n    import handlers.router\n",
        "handlers/router.py": "from handlers import reminders\n",
        "handlers/reminders.py": "from handlers.notices import f\n",
        "handlers/menu.py": "from handlers import reminders\n",
    }
    for name, text in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "bot").mkdir()
    assert import_cycles(tmp_path) == [
        ["handlers.notices", "handlers.reminders", "handlers.router"]
    ]


def test_no_module_over_400_lines() -> None:
    files = [path for _, path in _modules(ROOT)]
    files += [p for folder in ("tests", "bench", "tools") for p in (ROOT / folder).rglob("*.py")]
    long = {
        str(path.relative_to(ROOT)): n
        for path in files
        if (n := len(path.read_text("utf-8").splitlines())) > 400
    }
    assert long == {}
