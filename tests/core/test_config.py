"""WhatsApp settings: all four credentials or none, templates as JSON, a valid Graph URL."""

from __future__ import annotations

import pytest

from bot.core.config import WHATSAPP_GRAPH_URL, ConfigError, load_settings

FOUR = {
    "whatsapp_token": "EAAGtokenvalue",
    "whatsapp_phone_number_id": "106540352242922",
    "whatsapp_app_secret": "secret",
    "whatsapp_verify_token": "verify",
}


def test_none_set_means_no_whatsapp() -> None:
    settings = load_settings()
    assert not settings.whatsapp_enabled
    assert settings.whatsapp_api_base_url == WHATSAPP_GRAPH_URL
    assert settings.whatsapp_rate == 80.0 and settings.whatsapp_template_language == "id"


def test_all_four_set() -> None:
    settings = load_settings(**FOUR)
    assert settings.whatsapp_enabled
    assert settings.whatsapp_token is not None
    assert "EAAGtokenvalue" not in repr(settings)  # secrets stay hidden


@pytest.mark.parametrize("missing", sorted(FOUR))
def test_some_but_not_all_names_the_missing_variable(missing: str) -> None:
    given = {k: v for k, v in FOUR.items() if k != missing}
    with pytest.raises(ConfigError) as raised:
        load_settings(**given)
    message = str(raised.value)
    assert missing.upper() in message and "\n" not in message


def test_templates_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_TEMPLATES", '{"reminder": "pengingat_v2"}')
    assert load_settings().whatsapp_templates == {"reminder": "pengingat_v2"}


@pytest.mark.parametrize("bad", ["{bad", '["a"]', '{"reminder": 3}'])
def test_bad_templates(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("WHATSAPP_TEMPLATES", bad)
    with pytest.raises(ConfigError, match="WHATSAPP_TEMPLATES"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("whatsapp_api_base_url", "ftp://x"),
        ("whatsapp_rate", "0"),
        ("whatsapp_phone_number_id", "abc"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name.upper()):
        load_settings(**{**FOUR, name: value})


def test_base_url_for_a_loopback_fake() -> None:
    settings = load_settings(**FOUR, whatsapp_api_base_url="http://127.0.0.1:9999/v26.0/")
    assert settings.whatsapp_api_base_url == "http://127.0.0.1:9999/v26.0"
