"""Phone numbers as the operator feed matches them: E.164, read as Indonesian by default."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "ID"


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """`0812-3456-7890`, `+62 812 3456 7890` or `6281234567890` as `+6281234567890`; None if
    it is not a valid number."""
    text = raw.strip()
    if not text:
        return None
    if text[0].isdigit() and text.startswith("62") and len(text) >= 10:
        text = "+" + text  # WhatsApp and many spreadsheets drop the plus
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
