"""python-telegram-bot's transport on aiohttp's client instead of httpx.

Measured in bench/telegram_inbound.py: with httpx, most of the bot's CPU went to httpcore's
connection-pool bookkeeping (every request scans every pooled connection); aiohttp's client
keeps that cost flat. Parameters travel form-encoded as with PTB's HTTPXRequest
(multipart only for files); timeouts per call. The form POSTs (every Bot API call but an
upload) go on the leaner keep-alive client (keepalive.py): aiohttp's request machinery was
a quarter of the bot's CPU per update; aiohttp keeps uploads and downloads.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

from bot.channels.telegram.keepalive import ConnectTimeout, HttpError, KeepAliveClient, ReadTimeout

# Values at least this long are quoted once and remembered: message texts and keyboards repeat
# (menus, status lines), chat ids and short values are cheap to quote and would churn the cache.
_REMEMBERED = 32


@lru_cache(maxsize=1024)
def _quoted(value: str) -> str:
    return quote_plus(value)


def form_encode(params: dict[str, str]) -> bytes:
    """`urllib.parse.urlencode(params).encode()`, byte for byte, with long values quoted once
    (bench/telegram_inbound.py: quoting was 3 % of the bot's CPU, mostly the same texts)."""
    return "&".join(
        f"{_quoted(key)}={_quoted(value) if len(value) >= _REMEMBERED else quote_plus(value)}"
        for key, value in params.items()
    ).encode()


_FORM_TYPE = "application/x-www-form-urlencoded"
_FORM = {"Content-Type": _FORM_TYPE}
_NO_HEADERS: dict[str, str] = {}


@lru_cache(maxsize=256)
def _parsed(url: str) -> URL:
    return URL(url)


def _url(url: str) -> URL | str:
    """The parsed URL, once per Bot API method (what aiohttp would parse on every call); one
    that does not parse is left to aiohttp, which refuses it with its own error."""
    try:
        return _parsed(url)
    except ValueError:
        return url


class AiohttpRequest(BaseRequest):
    """A pooled aiohttp session behind PTB's `BaseRequest` interface."""

    def __init__(
        self,
        pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 30.0,  # under a burst, replies wait for a connection
    ) -> None:
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None
        # the form POSTs (every Bot API call but file uploads): a leaner client than aiohttp's
        self._keepalive = KeepAliveClient(pool_size)
        self._default_timeout = self._client_timeout(
            read_timeout, write_timeout, connect_timeout, pool_timeout
        )

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies
                skip_auto_headers=("User-Agent",),
                headers={"User-Agent": "prakerja-bot (python-telegram-bot, aiohttp)"},
            )

    async def shutdown(self) -> None:
        await self._keepalive.close()
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(self, value: Any, default: float | None) -> float | None:
        return default if value is BaseRequest.DEFAULT_NONE else value

    def _client_timeout(
        self, read: Any, write: Any, connect: Any, pool: Any
    ) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(
            total=None,
            sock_connect=self._timeout(connect, self._connect_timeout),
            sock_read=self._timeout(read, self._read_timeout),
            connect=self._timeout(pool, self._pool_timeout),
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if request_data is not None and not request_data.contains_files and method == "POST":
            parsed = _url(url)
            if isinstance(parsed, URL) and KeepAliveClient.handles(parsed):
                return await self._post_form(
                    parsed,
                    form_encode(request_data.json_parameters),
                    read_timeout,
                    connect_timeout,
                    pool_timeout,
                )
        if self._session is None:
            await self.initialize()
        assert self._session is not None
        data: Any = None
        headers = _NO_HEADERS
        if request_data is not None:
            if request_data.contains_files:
                form = aiohttp.FormData(request_data.json_parameters)
                for name, (filename, content, mime) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:  # the same form PTB's HTTPXRequest sends, built without aiohttp's FormData
                data = form_encode(request_data.json_parameters)
                headers = _FORM
        default = BaseRequest.DEFAULT_NONE
        if read_timeout is connect_timeout is pool_timeout is default:  # the common case
            timeout = self._default_timeout
        else:
            timeout = self._client_timeout(
                read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        try:
            async with self._session.request(
                method, _url(url), data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut(f"Timed out: {type(exc).__name__}") from None
        except asyncio.TimeoutError as exc:  # noqa: UP041 - aiohttp may raise either name
            raise TimedOut(f"Timed out: {type(exc).__name__}") from None
        except aiohttp.ClientError as exc:
            # The type only, and no chained exception: aiohttp errors may quote the request URL,
            # which carries the bot token (/bot<TOKEN>/...), into logs and tracebacks.
            raise NetworkError(f"aiohttp error: {type(exc).__name__}") from None

    async def _post_form(
        self, url: URL, body: bytes, read_timeout: Any, connect_timeout: Any, pool_timeout: Any
    ) -> tuple[int, bytes]:
        """A form POST on the keep-alive client, its failures as python-telegram-bot's (as
        aiohttp's below: the type only, never the URL with the token). A timeout of 0 is none,
        as for aiohttp (getUpdates' last call at shutdown asks for read_timeout 0)."""
        try:
            return await self._keepalive.post(
                url,
                body,
                _FORM_TYPE,
                read_timeout=self._timeout(read_timeout, self._read_timeout) or None,
                connect_timeout=self._timeout(connect_timeout, self._connect_timeout) or None,
                pool_timeout=self._timeout(pool_timeout, self._pool_timeout) or None,
            )
        except (ReadTimeout, ConnectTimeout) as exc:
            raise TimedOut(f"Timed out: {type(exc).__name__}") from None
        except HttpError as exc:
            raise NetworkError(f"HTTP error: {type(exc).__name__}: {exc}") from None
