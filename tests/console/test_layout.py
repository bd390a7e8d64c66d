"""The console's shape (issue 19 §2): each page module has one route table of module-level
handlers that read the console from the request; nothing imports another package's private
helpers (the JSON routes' bearer check and errors are shared in bot/console/api.py)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from aiohttp import web

from bot.console import site
from bot.console.app import Console

CONSOLE = Path(__file__).resolve().parents[2] / "bot" / "console"


def test_every_route_comes_from_a_module_table(console: Console) -> None:
    routes = site.routes()
    assert len(routes) >= 30
    for route in routes:
        assert isinstance(route, web.RouteDef)
        handler = route.handler
        module = importlib.import_module(handler.__module__)
        assert route in list(module.ROUTES), (route.path, handler.__module__)
        assert "<locals>" not in handler.__qualname__, handler.__qualname__


def test_no_closure_route_factories_and_no_private_imports() -> None:
    for path in sorted(CONSOLE.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.args.args:
                first = node.args.args[0].arg
                assert (node.name, first) != ("routes", "console"), f"{path.name}: a factory"
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and not node.module.startswith("bot.console")
            ):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"
