"""Indonesia's three time zones, by the names participants use."""

from __future__ import annotations

ZONES: dict[str, str] = {
    "WIB": "Asia/Jakarta",
    "WITA": "Asia/Makassar",
    "WIT": "Asia/Jayapura",
}


def zone_label(tz_name: str) -> str:
    """WIB, WITA or WIT for an Indonesian zone; the IANA name otherwise."""
    for label, name in ZONES.items():
        if name == tz_name:
            return label
    return tz_name
