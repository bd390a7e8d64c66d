"""A loopback fake of the WhatsApp Cloud API's `POST /{version}/{phone-number-id}/messages`.

It records every message it accepts and answers like Meta (`{"messages": [{"id": "wamid…"}]}`),
or with Meta's error shape when told to: queued errors (`fail_next`), errors for one recipient
(`fail_for`), or error 130429 above a messages-per-second `limit`. Listens on 127.0.0.1 only;
used by the tests and by bench/fanout_whatsapp.py.
"""

from __future__ import annotations

import collections
import itertools
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

VERSION = "v26.0"

ERROR_TITLES = {
    131047: "Re-engagement message",
    130429: "Rate limit hit",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    131026: "Message undeliverable",
    131009: "Parameter value is not valid",
    131000: "Something went wrong",
    190: "Invalid OAuth access token",
}


@dataclass(frozen=True)
class Failure:
    """An error answer: Meta's error code and the HTTP status it comes with."""

    code: int
    status: int = 400


def error_body(code: int) -> dict[str, Any]:
    """Meta's error answer for a code."""
    title = ERROR_TITLES.get(code, "Error")
    return {
        "error": {
            "message": f"(#{code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": title},
            "fbtrace_id": "AbCdEf",
        }
    }


class FakeGraphApi:
    """The fake server; `async with FakeGraphApi() as graph:` then point the sender at
    `graph.base_url`."""

    def __init__(
        self, phone_number_id: str = "106540352242922", token: str = "test-token"
    ) -> None:
        self.phone_number_id = phone_number_id
        self.token = token
        self.messages: list[dict[str, Any]] = []  # every accepted message body, in order
        self.media: dict[str, bytes] = {}  # media id -> bytes (GET /{version}/{media-id})
        self.media_sizes: dict[str, int] = {}  # a media id's announced size, if not its own
        self.media_fetched: list[str] = []
        self.refused: list[tuple[dict[str, Any], int]] = []  # (body, error code)
        self.accepted_at: list[float] = []  # time.monotonic() of each accepted message
        self.limit: float | None = None  # messages per second before 130429
        self._queued: collections.deque[Failure] = collections.deque()
        self._per_recipient: dict[str, Failure] = {}
        self._ids = itertools.count(1)
        self._window: collections.deque[float] = collections.deque()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # control --------------------------------------------------------------------------------

    def fail_next(self, code: int, status: int = 400, times: int = 1) -> None:
        """The next `times` requests get this error."""
        self._queued.extend([Failure(code, status)] * times)

    def fail_for(self, recipient: str, code: int, status: int = 400) -> None:
        """Every request to `recipient` gets this error."""
        self._per_recipient[recipient] = Failure(code, status)

    def to(self, recipient: str) -> list[dict[str, Any]]:
        """The accepted messages sent to one recipient."""
        return [m for m in self.messages if m.get("to", m.get("recipient")) == recipient]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{VERSION}"

    # server ---------------------------------------------------------------------------------

    def _over_limit(self) -> bool:
        if self.limit is None:
            return False
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.limit:
            return True
        self._window.append(now)
        return False

    async def _messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response(error_body(190), status=401)
        if request.match_info["phone_number_id"] != self.phone_number_id:
            return web.json_response(error_body(100), status=400)
        body: dict[str, Any] = await request.json()
        recipient = str(body.get("to") or body.get("recipient") or "")
        failure = self._queued.popleft() if self._queued else self._per_recipient.get(recipient)
        if failure is None and self._over_limit():
            failure = Failure(130429, 429)
        if failure is not None:
            self.refused.append((body, failure.code))
            return web.json_response(error_body(failure.code), status=failure.status)
        self.messages.append(body)
        self.accepted_at.append(time.monotonic())
        wamid = f"wamid.FAKE{next(self._ids):08d}"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": recipient, "wa_id": recipient}],
                "messages": [{"id": wamid}],
            }
        )

    async def _media_url(self, request: web.Request) -> web.Response:
        """Meta's media endpoint: the file's (short-lived) URL, type and size."""
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response(error_body(190), status=401)
        media_id = request.match_info["media_id"]
        if media_id not in self.media:
            return web.json_response(error_body(100), status=404)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"http://127.0.0.1:{self.port}/download/{media_id}",
                "mime_type": "image/jpeg",
                "file_size": self.media_sizes.get(media_id, len(self.media[media_id])),
                "id": media_id,
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(status=401)
        media_id = request.match_info["media_id"]
        self.media_fetched.append(media_id)
        return web.Response(body=self.media[media_id], content_type="image/jpeg")

    async def start(self) -> FakeGraphApi:
        app = web.Application()
        app.router.add_post("/{version}/{phone_number_id}/messages", self._messages)
        app.router.add_get("/download/{media_id}", self._download)
        app.router.add_get("/{version}/{media_id}", self._media_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeGraphApi:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
