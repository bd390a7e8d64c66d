"""Typed settings built once at start from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, ValidationError, field_validator
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
    admin_api_token: SecretStr | None = None

    @field_validator("admin_api_token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None  # unset or empty: the admin API is off
        if len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters (e.g. `openssl rand -hex 24`)")
        return value

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
