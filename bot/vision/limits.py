"""How much a picture may cost: bytes downloaded, pixels, seconds, memory, workers."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits of reading one picture, and how many are read at once."""

    max_bytes: int = 10 * MIB  # the download (Telegram and WhatsApp say the size first)
    max_pixels: int = 40_000_000  # width × height, checked before the image is decoded
    seconds: float = 20.0  # one read, from the worker's start to its answer
    memory_bytes: int = 1024 * MIB  # the worker's address space (RLIMIT_AS)
    workers: int = 1  # pictures read at once (each in its own process)
    queue: int = 8  # pictures waiting for a worker; beyond that: "busy"
