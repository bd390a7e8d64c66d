"""Reading a segment (the participant filters) from a form or a JSON object, validated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.core.i18n import N_, Translator
from bot.core.phones import normalise_phone
from bot.core.program import Program
from bot.core.zones import ZONES
from bot.storage.segments import FUNNEL, INCENTIVE_STATUSES, Segment

FIELDS = (
    "q",
    "wave",
    "scheme",
    "step",
    "zone",
    "channel",
    "deadline_days",
    "deadline_passed",
    "purchased",
    "incentive_status",
)
# The channels participants arrive on (bot/channels/*: CHANNEL; "terminal" is the local chat).
CHANNELS = ("telegram", "whatsapp", "terminal")
_BOOLS = {
    "true": True,
    "1": True,
    "yes": True,
    "ya": True,
    "false": False,
    "0": False,
    "no": False,
    "tidak": False,
}


# The form's names of the filters (the JSON routes name the keys themselves).
LABELS = {
    "q": N_("Reference code or phone"),
    "wave": N_("Wave"),
    "scheme": N_("Scheme"),
    "step": N_("Step reached"),
    "zone": N_("Zone"),
    "channel": N_("Channel"),
    "deadline_days": N_("Deadline within (days)"),
    "deadline_passed": N_("Deadline passed"),
    "purchased": N_("Training bought"),
    "incentive_status": N_("Incentive item status"),
}


class SegmentError(ValueError):
    """A filter that cannot be used; the message names the field."""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _int(t: Translator, name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise SegmentError(t._("{field}: must be a whole number").format(field=name))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise SegmentError(t._("{field}: must be a whole number").format(field=name)) from None
    if not low <= number <= high:
        raise SegmentError(
            t._("{field}: must be between {low} and {high}").format(field=name, low=low, high=high)
        )
    return number


def _bool(t: Translator, name: str, value: object, api: bool) -> bool:
    if isinstance(value, bool):
        return value
    found = _BOOLS.get(str(value).strip().lower())
    if found is None:
        # worded for the surface: the JSON API takes true/false, the form offers yes/no
        if api:
            raise SegmentError(t._("{field}: must be true or false").format(field=name))
        raise SegmentError(t._("{field}: must be yes or no").format(field=name))
    return found


def _choice(t: Translator, name: str, value: object, allowed: tuple[str, ...]) -> str:
    text = str(value).strip()
    if text not in allowed:
        raise SegmentError(
            t._("{field}: use one of {allowed}").format(field=name, allowed=", ".join(allowed))
        )
    return text


def _channel(t: Translator, value: object, name: str = "channel") -> str:
    """A channel's name (the form offers CHANNELS; tests and new channels use others)."""
    text = str(value).strip().lower()
    if not re.fullmatch(r"[a-z_]{1,20}", text):
        raise SegmentError(
            t._("{field}: use one of {allowed}").format(field=name, allowed=", ".join(CHANNELS))
        )
    return text


def _zone(t: Translator, value: object, name: str = "zone") -> str:
    """An IANA zone, also from its label (WIB, WITA, WIT)."""
    text = str(value).strip()
    return ZONES.get(text.upper()) or _choice(t, name, text, tuple(ZONES.values()))


def parse_segment(
    values: Mapping[str, Any], program: Program, t: Translator, *, api: bool = False
) -> Segment:
    """The segment the values describe (blank values are not filters); SegmentError if one is
    unusable or unknown. `api`: from the JSON routes (booleans are JSON true/false there)."""
    unknown = sorted(k for k in values if k not in FIELDS and k != "csrf")
    if unknown:
        raise SegmentError(t._("unknown filter: {name}").format(name=", ".join(unknown)))
    got = {k: v for k, v in values.items() if k in FIELDS and not _blank(v)}

    def n(key: str) -> str:  # the field as the caller knows it
        return key if api else t._(LABELS[key])

    query = None
    if "q" in got:
        text = str(got["q"]).strip()
        phone = normalise_phone(text) if any(c.isdigit() for c in text) else None
        query = phone or text.upper()
        if len(query) > 40:
            raise SegmentError(t._("{field}: too long").format(field=n("q")))
    return Segment(
        query=query,
        wave=_int(t, n("wave"), got["wave"], 1, 10_000) if "wave" in got else None,
        scheme=_choice(t, n("scheme"), got["scheme"], tuple(program.schemes))
        if "scheme" in got
        else None,
        step=_choice(t, n("step"), got["step"], FUNNEL) if "step" in got else None,
        zone=_zone(t, got["zone"], n("zone")) if "zone" in got else None,
        channel=_channel(t, got["channel"], n("channel")) if "channel" in got else None,
        deadline_days=_int(t, n("deadline_days"), got["deadline_days"], 0, 3650)
        if "deadline_days" in got
        else None,
        deadline_passed=_bool(t, n("deadline_passed"), got["deadline_passed"], api)
        if "deadline_passed" in got
        else None,
        purchased=_bool(t, n("purchased"), got["purchased"], api) if "purchased" in got else None,
        incentive_status=_choice(
            t, n("incentive_status"), got["incentive_status"], INCENTIVE_STATUSES
        )
        if "incentive_status" in got
        else None,
    )


def as_query(segment: Segment) -> dict[str, str]:
    """The segment as form/query-string values (to link the export or a broadcast to it)."""
    found: dict[str, str] = {}
    for key, value in segment.as_dict().items():
        name = "q" if key == "query" else key
        found[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return found
