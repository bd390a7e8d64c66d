"""A seeded generator of malformed request bodies and headers for the fuzz tests: random
bytes, broken and deeply nested JSON, absurd numbers, and valid payloads with one value
swapped for junk. Deterministic (one seed), so a failure is reproducible."""

from __future__ import annotations

import asyncio
import copy
import json
import random
from collections.abc import Iterator
from typing import Any

_JUNK: tuple[Any, ...] = (
    None,
    True,
    -1,
    0,
    2**70,
    -(2**70),
    10**5000,
    1e308,
    "",
    "x" * 5000,
    "²",
    "\u0000",
    "é漢字🙂",
    "9999-12-31T23:59",
    [],
    {},
    [[[]]],
    {"a": {"b": {}}},
    [1, "2", None],
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _swap(value: Any, path: tuple[Any, ...], junk: Any) -> Any:
    if not path:
        return junk
    found = copy.deepcopy(value)
    holder = found
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = junk
    return found


def _dump(value: Any) -> bytes:
    try:
        return json.dumps(value).encode()
    except ValueError:  # 10**5000 needs str(): write its digits by hand
        return b'{"n": ' + b"9" * 5000 + b"}"


def bodies(valid: list[Any], seed: int = 7, count: int = 120) -> Iterator[bytes]:
    """`count` bodies: the fixed nasty ones, then valid payloads with one value swapped."""
    rng = random.Random(seed)
    yield b""
    yield b"{"
    yield b"null"
    yield b"[]"
    yield b"\xff\xfe\x00"
    yield b"[" * 100_000 + b"]" * 100_000
    yield b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    yield b"9" * 5000
    yield b'{"update_id": ' + b"9" * 5000 + b"}"
    yield b'{"update_id": 1180591620717411303424}'  # 2**70
    yield b'{"n": NaN, "m": Infinity}'
    yield bytes(rng.randrange(256) for _ in range(300))
    for _ in range(count):
        base = rng.choice(valid)
        paths = list(_paths(base))
        mutated = _swap(base, rng.choice(paths), rng.choice(_JUNK))
        yield _dump(mutated)


NASTY_HEADERS = (
    "",
    " ",
    "sécret",
    "\udcff\udcfe",  # bytes that are not UTF-8, as aiohttp hands them over
    "x" * 4000,
    "Bearer",
    "Bearer ",
    "Bearer \u00e9\u00e9",
    "bearer \udcff",
)


async def raw_status(host: str, port: int, request: bytes) -> int:
    """The status code of one raw HTTP/1.1 request (headers may hold any bytes)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        line = await reader.readline()
        return int(line.split()[1])
    finally:
        writer.close()
        await writer.wait_closed()


def raw_post(path: str, header: bytes, body: bytes = b"{}") -> bytes:
    """A POST with one extra raw header line (`Name: value` bytes) and a body."""
    return (
        b"POST "
        + path.encode()
        + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + header
        + b"\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
