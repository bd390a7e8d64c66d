"""The Bot API transport's form encoding."""

from __future__ import annotations

from urllib.parse import urlencode

from bot.channels.telegram.aiohttp_request import form_encode


def test_form_encode_is_urlencode_byte_for_byte() -> None:
    long_text = '<b>Status</b> kamu: Rp600.000 & insentif 💸 — 100% "siap"\n' * 3
    markup = '{"inline_keyboard":[[{"text":"📋 Menu","callback_data":"menu:show"}]]}'
    params = {"chat_id": "100001", "text": long_text, "parse_mode": "HTML", "reply_markup": markup}
    assert form_encode(params) == urlencode(params).encode()
    assert form_encode(params) == urlencode(params).encode()  # remembered: still the same
    assert form_encode({"text": "a b+c=d&e/f?"}) == b"text=a+b%2Bc%3Dd%26e%2Ff%3F"
    assert form_encode({}) == b""
