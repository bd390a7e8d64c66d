"""One migration history for both databases: `NNNN_name.sql` here holds the SQL both run;
`<dialect>/NNNN_name.sql` replaces it for that database only, where the SQL differs.

Each database records every version it applied in `schema_version` (one row each) and a
migration runs when its version is not there, whatever the others: migrations landed out of
number order once (0006 and 0008 before 0005 and 0007), so "everything up to the highest
version" would have skipped them. SQLite files from before that table inferred what they hold
from their `user_version` and the objects each migration creates (`legacy_applied`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from importlib import resources

_CREATES = re.compile(
    r"CREATE\s+(?:UNIQUE\s+)?(TABLE|INDEX)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)"
    r"|ALTER\s+TABLE\s+(\w+)\s+ADD\s+(?:COLUMN\s+)?(\w+)",
    re.IGNORECASE,
)


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """(version, file name, sql) of every migration for `dialect` ("sqlite" or "postgres"),
    in version order: the dialect's own file where it has one, the shared one otherwise."""
    folder = resources.files(__name__)
    found: dict[int, tuple[str, str]] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found[int(entry.name.split("_", 1)[0])] = (entry.name, entry.read_text("utf-8"))
    overrides = folder.joinpath(dialect)
    if overrides.is_dir():
        for entry in overrides.iterdir():
            if entry.name.endswith(".sql"):
                version = int(entry.name.split("_", 1)[0])
                found[version] = (f"{dialect}/{entry.name}", entry.read_text("utf-8"))
    return [(version, *found[version]) for version in sorted(found)]


def created(sql: str) -> list[tuple[str, str]]:
    """What a migration creates: ("table", name), ("index", name), ("column", "table.col")."""
    sql = re.sub(r"--[^\n]*", "", sql)
    out = []
    for kind, name, table, column in _CREATES.findall(sql):
        out.append((kind.lower(), name) if kind else ("column", f"{table}.{column}"))
    return out


async def legacy_applied(
    user_version: int,
    dialect: str,
    exists: Callable[[str, str], Awaitable[bool]],
) -> set[int]:
    """The versions a database recorded only by its highest one (`user_version`) holds: each
    migration up to it whose objects exist (a migration is applied whole or not at all)."""
    applied = set()
    for version, _, sql in migrations(dialect):
        if version > user_version:
            break
        objects = created(sql)
        if not objects or any([await exists(kind, name) for kind, name in objects]):
            applied.add(version)
    return applied
