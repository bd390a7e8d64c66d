"""What arrives over HTTP, read defensively: JSON with bounded depth and numbers, and secrets
compared in constant time whatever bytes a header holds. Bad input is a `BadInput` (a 4xx for
the caller), never an exception that escapes as a 500."""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

MAX_DEPTH = 32  # no webhook or operator request nests deeper than a handful of levels
MAX_INT = 2**63 - 1  # what the databases' integer columns hold
_OPEN = frozenset(b"[{")
_CLOSE = frozenset(b"]}")
_LONG_DIGITS = re.compile(r"[0-9]{19}")


class BadInput(ValueError):
    """The request's body or a field of it cannot be accepted; the message says why."""


def _depth_ok(raw: bytes, limit: int) -> bool:
    """True if no array or object nests deeper than `limit` (brackets inside strings ignored)."""
    if raw.count(b"{") + raw.count(b"[") <= limit:  # cannot nest deeper: no byte-by-byte walk
        return True
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPEN:
            depth += 1
            if depth > limit:
                return False
        elif byte in _CLOSE:
            depth -= 1
    return True


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 19:
        raise BadInput("a number is too large")
    value = int(text)
    if abs(value) > MAX_INT:
        raise BadInput("a number is too large")
    return value


def _float(text: str) -> float:
    if len(text) > 64:
        raise BadInput("a number is too long")
    return float(text)


def _constant(name: str) -> Any:
    raise BadInput(f"{name} is not a JSON number")


def parse_json(raw: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value in `raw`; BadInput if it is not UTF-8 JSON, nests deeper than
    `max_depth`, or holds an integer beyond 64 bits, an absurdly long number, NaN or Infinity."""
    if not _depth_ok(raw, max_depth):
        raise BadInput("the body is nested too deeply")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("the body is not UTF-8") from None
    # Without a run of 19 digits anywhere every integer fits in 63 bits: the C parser's own
    # ints are then as safe as `_int`'s, and it need not call back into Python for each one.
    parse_int = _int if _LONG_DIGITS.search(text) else None
    try:
        return json.loads(text, parse_int=parse_int, parse_float=_float, parse_constant=_constant)
    except BadInput:
        raise
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"the body is not JSON: {type(exc).__name__}") from None


def bounded_int(text: str) -> int:
    """An id from a URL or a form: BadInput unless it is a plain integer a database can hold."""
    text = text.strip()
    if not text.isascii() or not text.lstrip("-").isdigit():
        raise BadInput("must be a number")
    return _int(text)


def _bytes(text: str) -> bytes:
    # Headers arrive decoded with surrogate escapes for non-UTF-8 bytes: keep them as bytes.
    return text.encode("utf-8", "surrogateescape")


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of a secret from a request with the configured one; any bytes
    in `given` (non-ASCII, invalid UTF-8) simply do not match."""
    return hmac.compare_digest(_bytes(given), _bytes(expected))


def bearer_ok(authorization: str | None, token: str) -> bool:
    """True if an `Authorization` header carries `Bearer <token>` (constant time)."""
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return False
    return same_secret(given.strip(), token)
