"""Indonesia's three time zones, by the names participants use."""

from __future__ import annotations

ZONES: dict[str, str] = {
    "WIB": "Asia/Jakarta",
    "WITA": "Asia/Makassar",
    "WIT": "Asia/Jayapura",
}


# Provinces and large cities, as participants name where they live, by their zone.
_PLACES: dict[str, tuple[str, ...]] = {
    "WIB": (
        "aceh",
        "medan",
        "sumut",
        "sumatera",
        "sumatra",
        "padang",
        "riau",
        "pekanbaru",
        "jambi",
        "palembang",
        "bengkulu",
        "lampung",
        "bangka",
        "belitung",
        "batam",
        "kepri",
        "jakarta",
        "jkt",
        "bogor",
        "depok",
        "tangerang",
        "bekasi",
        "banten",
        "serang",
        "bandung",
        "jabar",
        "cirebon",
        "tasikmalaya",
        "semarang",
        "jateng",
        "solo",
        "surakarta",
        "yogyakarta",
        "jogja",
        "jogjakarta",
        "yogya",
        "diy",
        "surabaya",
        "jatim",
        "malang",
        "madura",
        "kediri",
        "jember",
        "pontianak",
        "kalbar",
        "palangkaraya",
        "kalteng",
        "jawa",
    ),
    "WITA": (
        "bali",
        "denpasar",
        "ntb",
        "mataram",
        "lombok",
        "ntt",
        "kupang",
        "flores",
        "sumba",
        "banjarmasin",
        "kalsel",
        "samarinda",
        "balikpapan",
        "kaltim",
        "tarakan",
        "kaltara",
        "makassar",
        "sulsel",
        "sulawesi",
        "manado",
        "sulut",
        "palu",
        "sulteng",
        "kendari",
        "sultra",
        "gorontalo",
        "mamuju",
        "sulbar",
    ),
    "WIT": (
        "maluku",
        "ambon",
        "ternate",
        "malut",
        "papua",
        "jayapura",
        "sorong",
        "manokwari",
        "merauke",
        "timika",
        "nabire",
    ),
}
PLACES: dict[str, str] = {place: label for label, names in _PLACES.items() for place in names}


def zone_label(tz_name: str) -> str:
    """WIB, WITA or WIT for an Indonesian zone; the IANA name otherwise."""
    for label, name in ZONES.items():
        if name == tz_name:
            return label
    return tz_name
