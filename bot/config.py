"""Typed settings built once at start from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LOCALES = ("id", "en")


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    """Everything the operator configures. Secrets are `SecretStr`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    database_url: str = "sqlite:///data/prakerja.db"
    prakerja_program_file: Path | None = None
    prakerja_locale: Literal["id", "en"] = "id"
    prakerja_timezone: str = "Asia/Jakarta"

    # The outbox: delivery job, leases, retries (see README "Reminders and the outbox").
    outbox_interval: float = Field(5.0, gt=0, le=3600)
    outbox_batch: int = Field(200, ge=1, le=10_000)
    outbox_lease_seconds: float = Field(300.0, ge=5)
    outbox_max_attempts: int = Field(5, ge=1, le=100)
    outbox_backoff_seconds: float = Field(30.0, gt=0)
    outbox_backoff_max_seconds: float = Field(3600.0, gt=0)
    outbox_max_in_flight: int = Field(64, ge=1, le=1000)
    outbox_housekeeping_seconds: float = Field(3600.0, ge=10)
    # Platform limits (messages per second).
    telegram_rate: float = Field(30.0, gt=0, le=10_000)
    telegram_chat_rate: float = Field(1.0, gt=0, le=100)
    telegram_paid_broadcast: bool = False
    telegram_paid_rate: float = Field(1000.0, gt=0, le=10_000)
    whatsapp_rate: float = Field(80.0, gt=0, le=10_000)
    whatsapp_chat_rate: float = Field(1.0, gt=0, le=100)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith("sqlite:///"):
            raise ValueError("only sqlite:///PATH is supported (e.g. sqlite:///data/prakerja.db)")
        if value == "sqlite:///":
            raise ValueError("the SQLite URL needs a file path")
        return value

    @field_validator("prakerja_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("prakerja_program_file")
    @classmethod
    def _file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @property
    def sqlite_path(self) -> str:
        """The SQLite file path (or `:memory:`) from DATABASE_URL."""
        return self.database_url.removeprefix("sqlite:///")


def load_settings(**overrides: object) -> Settings:
    """Builds the settings, turning a validation error into a one-line `ConfigError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise ConfigError(f"{name}: {first['msg']}") from None
