"""DATABASE_URL: `sqlite:///PATH` (the embedded default) or
`postgresql://USER[:PASSWORD]@HOST[:PORT]/DB` (also `postgres://`)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

_POSTGRES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed DATABASE_URL: which store, and where."""

    kind: str  # "sqlite" or "postgres"
    target: str  # the SQLite path (or ":memory:"), or a libpq connection URI

    @property
    def safe(self) -> str:
        """The URL without its password (for logs and progress output)."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.target}"
        parts = urlsplit(self.target)
        if parts.password is None:
            return self.target
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return parts._replace(netloc=netloc).geturl()


def parse_database_url(url: str, name: str = "DATABASE_URL") -> DatabaseUrl:
    """Checks and splits a DATABASE_URL; ValueError with a one-line reason if it is wrong
    (`name`: what the reason calls the URL, e.g. `db copy`'s TARGET_URL)."""
    url = url.strip()
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise ValueError("the SQLite URL needs a file path")
        return DatabaseUrl("sqlite", path)
    if url.startswith(_POSTGRES):
        normal = "postgresql://" + url.split("://", 1)[1]
        try:
            parts = urlsplit(normal)
            _ = parts.port  # raises on a bad port
        except ValueError as exc:
            raise ValueError(f"bad PostgreSQL URL: {exc}") from None
        if not parts.hostname:
            raise ValueError("the PostgreSQL URL needs a host (postgresql://USER@HOST/DB)")
        if not parts.path.strip("/"):
            raise ValueError(
                "the PostgreSQL URL needs a database name (postgresql://USER@HOST/DB)"
            )
        return DatabaseUrl("postgres", normal)
    raise ValueError(
        f"{name} must be sqlite:///PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DB"
    )
