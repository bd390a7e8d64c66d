"""A small HTTP/1.1 keep-alive client for the Bot API's form-encoded POSTs.

bench/telegram_inbound.py: aiohttp's `ClientSession.request` (its request and response
objects, header multidicts, cookie and tracing hooks, timers per phase) was a quarter of the
bot's CPU per update for one sendMessage and half an answerCallbackQuery. Every such call is
the same shape: a POST of a small form to one host, a small JSON answer. Here it is one
prepared `transport.write` on a pooled connection and a parse of the answer's head.

What it does not do, the caller (`AiohttpRequest`) leaves to aiohttp: files (multipart),
other methods than POST, URLs that are not plain http(s). Answers are read by Content-Length,
chunked transfer encoding or until the server closes; 1xx answers are skipped. A connection
is reused only after a complete answer that did not ask to close, and not after it has been
idle for `KEEPALIVE` seconds (aiohttp's default). A POST is never sent twice.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from typing import Any

from yarl import URL

from bot.channels.telegram.http1 import (
    KEEPALIVE,
    Connection,
    ConnectTimeout,
    HttpError,
    ReadTimeout,
)

__all__ = ["KEEPALIVE", "ConnectTimeout", "HttpError", "KeepAliveClient", "ReadTimeout"]

USER_AGENT = "prakerja-bot (python-telegram-bot, aiohttp)"


_ssl_context: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    global _ssl_context
    if _ssl_context is None:
        context = ssl.create_default_context()
        context.set_alpn_protocols(["http/1.1"])
        _ssl_context = context
    return _ssl_context


class _Host:
    """Where requests to one origin go: its prepared head and its idle connections."""

    def __init__(self, url: URL) -> None:
        self.host = url.raw_host or ""
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.tls = url.scheme == "https"
        self.header = f"Host: {url.host_port_subcomponent}\r\nUser-Agent: {USER_AGENT}\r\n"
        self.idle: deque[Connection] = deque()


def _expire(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_exception(ReadTimeout("no answer in time"))


class KeepAliveClient:
    """Pooled keep-alive connections, at most `limit` open at once (across hosts)."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self._hosts: dict[tuple[str, str, int | None], _Host] = {}
        self._heads: dict[str, tuple[_Host, bytes]] = {}
        self._open: set[Connection] = set()
        self._waiting: deque[asyncio.Future[None]] = deque()

    @staticmethod
    def handles(url: URL) -> bool:
        """Whether this client can send to `url` (else the caller uses its general client)."""
        return url.scheme in ("http", "https") and bool(url.raw_host) and not url.user

    def _prepared(self, url: URL) -> tuple[_Host, bytes]:
        key = str(url)
        prepared = self._heads.get(key)
        if prepared is None:
            origin = (url.scheme, url.raw_host or "", url.port)
            host = self._hosts.get(origin)
            if host is None:
                host = self._hosts[origin] = _Host(url)
            line = f"POST {url.raw_path_qs} HTTP/1.1\r\n{host.header}"
            prepared = (host, line.encode("latin-1"))
            if len(self._heads) < 1024:
                self._heads[key] = prepared
        return prepared

    async def post(
        self,
        url: URL,
        body: bytes,
        content_type: str,
        *,
        read_timeout: float | None,
        connect_timeout: float | None,
        pool_timeout: float | None,
    ) -> tuple[int, bytes]:
        """POSTs `body`; the answer's status and body. HttpError (ReadTimeout, ConnectTimeout)
        when it fails."""
        host, head = self._prepared(url)
        connection = await self._connection(host, connect_timeout, pool_timeout)
        request = b"%sContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (
            head,
            content_type.encode("latin-1"),
            len(body),
            body,
        )
        try:
            waiter = connection.request(request)
            timer = (
                None
                if read_timeout is None
                else connection.loop.call_later(read_timeout, _expire, waiter)
            )
            try:
                status, answer = await waiter
            finally:
                if timer is not None:
                    timer.cancel()
        except BaseException:
            connection.abort()
            self._release(host, connection)
            raise
        self._release(host, connection)
        return status, answer

    async def _connection(
        self, host: _Host, connect_timeout: float | None, pool_timeout: float | None
    ) -> Connection:
        loop = asyncio.get_running_loop()
        deadline = None if pool_timeout is None else loop.time() + pool_timeout
        while True:
            now = loop.time()
            while host.idle:
                connection = host.idle.pop()  # the most recently used
                if connection.usable(now):
                    return connection
                self._discard(connection)
            if len(self._open) < self.limit:
                break
            if not self._drop_idle():  # all busy: wait for one to come back or close
                await self._wait_for_room(None if deadline is None else deadline - now)
        connection = Connection(loop)
        self._open.add(connection)
        try:
            async with asyncio.timeout(connect_timeout):
                await loop.create_connection(
                    lambda: connection,
                    host.host,
                    host.port,
                    ssl=_tls() if host.tls else None,
                    server_hostname=host.host if host.tls else None,
                )
        except TimeoutError:
            self._discard(connection)
            raise ConnectTimeout("no connection in time") from None
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            self._discard(connection)
            raise HttpError(f"cannot connect ({type(exc).__name__})") from None
        except BaseException:
            self._discard(connection)
            raise
        return connection

    def _drop_idle(self) -> bool:
        """Closes the longest idle connection of any host, to make room; False if none."""
        oldest: _Host | None = None
        for host in self._hosts.values():
            first = host.idle[0] if host.idle else None
            if first is not None and (
                oldest is None or first.idle_since < oldest.idle[0].idle_since
            ):
                oldest = host
        if oldest is None:
            return False
        self._discard(oldest.idle.popleft())
        return True

    async def _wait_for_room(self, seconds: float | None) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(seconds):
                await waiter
        except BaseException as exc:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            elif waiter.done() and not waiter.cancelled():
                self._wake()  # its turn came as it gave up: passed on
            if isinstance(exc, TimeoutError):
                raise ConnectTimeout("no free connection in time") from None
            raise

    def _release(self, host: _Host, connection: Connection) -> None:
        if connection.reusable and not connection.closed:
            connection.idle_since = connection.loop.time()
            connection.reusable = False
            host.idle.append(connection)
            self._wake()  # a waiter may take this host's idle connection
        else:
            self._discard(connection)

    def _discard(self, connection: Connection) -> None:
        if not connection.closed:
            connection.close()
        if connection in self._open:
            self._open.discard(connection)
            self._wake()

    def _wake(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def close(self) -> None:
        """Closes every connection (requests under way fail)."""
        for host in self._hosts.values():
            host.idle.clear()
        for connection in list(self._open):
            connection.close()
        self._open.clear()
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_exception(HttpError("the client is closed"))
        self._waiting.clear()
