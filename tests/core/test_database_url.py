"""DATABASE_URL: SQLite or PostgreSQL, checked at start with a one-line reason."""

from __future__ import annotations

import pytest

from bot.core.config import ConfigError, load_settings
from bot.core.database_url import parse_database_url


def test_both_stores_are_recognised() -> None:
    assert parse_database_url("sqlite:///data/x.db").target == "data/x.db"
    pg = parse_database_url("postgres://bot:pw@db.internal:6432/prakerja")
    assert pg.kind == "postgres" and pg.target == "postgresql://bot:pw@db.internal:6432/prakerja"
    assert pg.safe == "postgresql://bot:***@db.internal:6432/prakerja"
    assert parse_database_url("postgresql://bot@localhost/prakerja").safe.endswith("/prakerja")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://x/y", "must be sqlite:///PATH or postgresql://"),
        ("sqlite:///", "needs a file path"),
        ("postgresql://bot@db.internal", "needs a database name"),
        ("postgresql:///prakerja", "needs a host"),
        ("postgresql://bot@db.internal:port/prakerja", "bad PostgreSQL URL"),
    ],
)
def test_a_bad_url_stops_the_start_with_its_reason(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_database_url(url)
    with pytest.raises(ConfigError, match=f"DATABASE_URL: .*{reason}"):
        load_settings(database_url=url)


def test_instance_settings() -> None:
    settings = load_settings(database_url="postgresql://bot@db/prakerja", instance_id="web-1:8081")
    assert settings.instance_id == "web-1:8081" and settings.database_pool_size == 10
    with pytest.raises(ConfigError, match="INSTANCE_ID"):
        load_settings(instance_id="two words")
