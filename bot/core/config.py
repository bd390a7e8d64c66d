"""Typed settings built once at start from the environment and `.env`."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.database_url import parse_database_url  # sqlite:/// or postgresql://

SUPPORTED_LOCALES = ("id", "en")

# The Graph API version the WhatsApp Cloud API calls go to (Meta's newest at the time of writing).
WHATSAPP_GRAPH_URL = "https://graph.facebook.com/v26.0"
_WHATSAPP_REQUIRED = (
    "whatsapp_token",
    "whatsapp_phone_number_id",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
)


class StartupError(Exception):
    """The bot cannot start; the message is one line naming the cause."""


class ConfigError(Exception):
    """A setting is missing or invalid; the message names the variable."""


class Settings(BaseSettings):
    """Everything the operator configures. Secrets are `SecretStr`."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, allow_inf_nan=False
    )

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
        if not value.get_secret_value().strip() or re.search(r"\s", value.get_secret_value()):
            raise ValueError("must not be blank or contain spaces")
        if len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters (e.g. `openssl rand -hex 24`)")
        return value

    # WhatsApp Business Cloud API (all four of the first set, or none; see docs/whatsapp.md).
    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_base_url: str = WHATSAPP_GRAPH_URL
    whatsapp_rate: float = Field(80.0, gt=0, le=10_000)
    whatsapp_templates: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    whatsapp_template_language: str = "id"
    whatsapp_default_template: str = "prakerja_update"
    whatsapp_template_button: str = "menu:show"  # quick-reply payload; empty: no button

    @field_validator("whatsapp_api_base_url")
    @classmethod
    def _graph_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value.rstrip("/")

    @field_validator("whatsapp_token", "whatsapp_app_secret", "whatsapp_verify_token")
    @classmethod
    def _not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("whatsapp_phone_number_id")
    @classmethod
    def _phone_number_id(cls, value: str | None) -> str | None:
        if value is not None and not value.isdigit():
            raise ValueError("the phone number ID is the number Meta shows (digits only)")
        return value or None

    @field_validator("whatsapp_templates", mode="before")
    @classmethod
    def _templates(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else {}
            except json.JSONDecodeError as exc:
                raise ValueError(f'not JSON like {{"reminder": "name"}}: {exc}') from None
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()
        ):
            raise ValueError('expected a JSON object of names, like {"reminder": "name"}')
        return value

    @model_validator(mode="after")
    def _whatsapp_all_or_nothing(self) -> Settings:
        given = [name for name in _WHATSAPP_REQUIRED if getattr(self, name) is not None]
        if given and len(given) < len(_WHATSAPP_REQUIRED):
            missing = next(n for n in _WHATSAPP_REQUIRED if getattr(self, n) is None)
            raise ValueError(
                f"{missing.upper()} is required when {given[0].upper()} is set"
                " (WhatsApp needs all four)"
            )
        return self

    @property
    def whatsapp_enabled(self) -> bool:
        """True when the WhatsApp channel is configured."""
        return self.whatsapp_token is not None

    # The outbox: delivery job, leases, retries (see docs/operating.md).
    outbox_interval: float = Field(5.0, gt=0, le=3600)
    outbox_batch: int = Field(200, ge=1, le=10_000)
    outbox_lease_seconds: float = Field(300.0, ge=5, le=86_400)
    outbox_max_attempts: int = Field(5, ge=1, le=100)
    outbox_backoff_seconds: float = Field(30.0, gt=0, le=86_400)
    outbox_backoff_max_seconds: float = Field(3600.0, gt=0, le=7 * 86_400)
    outbox_max_in_flight: int = Field(64, ge=1, le=1000)
    outbox_housekeeping_seconds: float = Field(3600.0, ge=10, le=86_400)
    # Platform limits (messages per second).
    telegram_rate: float = Field(30.0, gt=0, le=10_000)
    telegram_chat_rate: float = Field(1.0, gt=0, le=100)
    telegram_paid_broadcast: bool = False
    telegram_paid_rate: float = Field(1000.0, gt=0, le=10_000)
    whatsapp_chat_rate: float = Field(1.0, gt=0, le=100)
    telegram_bot_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_base_url: str | None = None
    # Where files are downloaded from (a local Bot API server has its own); the token follows.
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    # Pictures (screenshots) read at once, each in its own worker process; 0: not read.
    ocr_workers: int = Field(1, ge=0, le=2)
    web_listen: str = "0.0.0.0:8080"
    # Several instances on PostgreSQL (see docs/deploying.md). INSTANCE_ID names this instance
    # (default host:port of WEB_LISTEN); never share one between two running processes.
    instance_id: str = Field("", max_length=200, pattern=r"^[A-Za-z0-9_.:@-]*$")
    database_pool_size: int = Field(10, ge=2, le=500)

    @field_validator("telegram_webhook_url", "telegram_base_url", "telegram_base_file_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value or None

    @field_validator("telegram_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", value.get_secret_value()):
            raise ValueError("not a bot token like 123456:ABC-def (from @BotFather)")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in a webhook secret token.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("1-256 characters from A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("web_listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"expected host:port like 0.0.0.0:8080, got {value!r}")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set"
            )
        if self.telegram_webhook_url and self.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is required when TELEGRAM_WEBHOOK_URL is set")
        return self

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        parse_database_url(value)
        return value.strip()

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
    def web_host_port(self) -> tuple[str, int]:
        """WEB_LISTEN split into host and port."""
        host, _, port = self.web_listen.rpartition(":")
        return host.strip("[]"), int(port)

    # The operator's console (bot/console): when a person usually answers a handoff, how long
    # a console session lasts without use, and at most.
    handoff_hours: str = ""  # e.g. "Senin–Jumat 08.00–17.00 WIB"; empty: the catalog's default
    console_idle_minutes: int = Field(60, ge=5, le=24 * 60)
    console_session_hours: int = Field(12, ge=1, le=24 * 7)
    # The session cookie's Secure flag: on unless turned off (the documented set-up serves the
    # console on a loopback address behind an nginx that terminates TLS; browsers accept a
    # Secure cookie from http://localhost, so trying it locally still works).
    console_secure_cookie: bool = True
    # Proxies whose X-Forwarded-For names the operator's address (audit log, login throttle).
    console_trusted_proxies: str = "127.0.0.0/8,::1/128"
    # The inbox: an alert on the overview past this wait; at most this many open handoffs
    # assigned to one agent on shift (round-robin).
    console_waiting_alert_minutes: int = Field(30, ge=1, le=24 * 60)
    console_agent_cap: int = Field(5, ge=1, le=100)
    # Retention: not-understood messages and closed handoffs are deleted after this many days;
    # once the program has ended (PROGRAM_ENDED_ON), participants silent that long too.
    retention_days: int = Field(90, ge=1, le=3650)
    program_ended_on: date | None = None

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
        if not first["loc"]:  # a rule across several variables names them in its message
            raise ConfigError(str(first["msg"]).removeprefix("Value error, ")) from None
        name = str(first["loc"][0]).upper()
        raise ConfigError(f"{name}: {first['msg']}") from None
