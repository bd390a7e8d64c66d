"""A picture sent on WhatsApp, fetched and read.

The webhook gives a media id only: `GET {WHATSAPP_API_BASE_URL}/{media-id}` (with the access
token) answers the file's URL, size and type; the bytes come from that URL, with the same
token, streamed into memory and cut off past the size limit. Then the picture reader
(bot/vision) reads them in its worker process. Nothing is written to disk or logged but ids.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import httpx

from bot.core.domain import Picture, PictureProblem
from bot.vision import Reader

log = logging.getLogger(__name__)


class MediaReader:
    """Fetches a WhatsApp media id's bytes and has them read."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, token: str, reader: Reader):
        self.client = client
        self.base_url = base_url
        self._headers = {"Authorization": f"Bearer {token}"}
        self.reader = reader

    async def _fetch(self, media_id: str) -> bytes | PictureProblem:
        limit = self.reader.limits.max_bytes
        answer = await self.client.get(f"{self.base_url}/{media_id}", headers=self._headers)
        meta = answer.json() if answer.is_success else None
        if not isinstance(meta, Mapping) or not isinstance(meta.get("url"), str):
            log.warning("whatsapp media %s: no URL (HTTP %s)", media_id, answer.status_code)
            return PictureProblem.FAILED
        if not str(meta.get("mime_type") or "image/").startswith("image/"):
            return PictureProblem.UNREADABLE
        size = meta.get("file_size")
        if isinstance(size, int | str) and str(size).isdigit() and int(size) > limit:
            return PictureProblem.TOO_BIG
        data = bytearray()
        async with self.client.stream("GET", meta["url"], headers=self._headers) as response:
            if not response.is_success:
                log.warning("whatsapp media %s: HTTP %s", media_id, response.status_code)
                return PictureProblem.FAILED
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > limit:
                    return PictureProblem.TOO_BIG
        return bytes(data)

    async def read(self, media_id: str) -> Picture:
        """What the picture shows (redacted), or why it was not read; never raises."""
        try:
            fetched = await self._fetch(media_id)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("whatsapp media %s not downloaded: %s", media_id, type(exc).__name__)
            return Picture(problem=PictureProblem.FAILED)
        if isinstance(fetched, PictureProblem):
            return Picture(problem=fetched)
        return await self.reader.read(fetched)
