"""One migration history for both databases: `NNNN_name.sql` here holds the SQL both run;
`<dialect>/NNNN_name.sql` replaces it for that database only where the SQL differs. A
database records the versions it applied by number (SQLite's `user_version`, PostgreSQL's
`schema_version` table)."""

from __future__ import annotations

from importlib import resources


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
