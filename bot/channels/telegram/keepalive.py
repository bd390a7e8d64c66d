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

KEEPALIVE = 15.0  # seconds an idle connection is trusted (aiohttp's keepalive_timeout)
MAX_HEAD = 65_536  # bytes of status line and headers accepted
USER_AGENT = "prakerja-bot (python-telegram-bot, aiohttp)"


class HttpError(Exception):
    """The connection failed or the answer could not be read (the message names no URL)."""


class ReadTimeout(HttpError):
    """No complete answer within the read timeout."""


class ConnectTimeout(HttpError):
    """No connection (or no free one in the pool) within its timeout."""


_ssl_context: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    global _ssl_context
    if _ssl_context is None:
        context = ssl.create_default_context()
        context.set_alpn_protocols(["http/1.1"])
        _ssl_context = context
    return _ssl_context


class _Answer:
    """The answer being read on a connection."""

    __slots__ = ("body", "chunk", "chunked", "keep_alive", "length", "status", "until_close")

    def __init__(self) -> None:
        self.status = 0  # 0: head not read yet
        self.length = -1
        self.chunked = False
        self.until_close = False
        self.keep_alive = True
        self.body = bytearray()
        self.chunk = -1  # chunked: bytes left in the current chunk (-1: a size line is next)


class Connection(asyncio.Protocol):
    """One connection, one request at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.answer = _Answer()
        self.closed = False
        self.reusable = False
        self.idle_since = 0.0

    # asyncio.Protocol --------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        if self.waiter is None or self.waiter.done():  # nothing was asked: not HTTP we know
            self.close()
            return
        self.buffer += data
        try:
            self._read()
        except HttpError as exc:
            self._fail(exc)

    def eof_received(self) -> bool:
        self._ended()
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended()

    # requests ---------------------------------------------------------------------------------

    def request(self, data: bytes) -> asyncio.Future[tuple[int, bytes]]:
        """Writes one request; the future is the answer's (status, body)."""
        assert self.transport is not None and not self.closed
        self.reusable = False
        self.answer = _Answer()
        self.buffer.clear()
        self.waiter = self.loop.create_future()
        self.transport.write(data)
        return self.waiter

    def usable(self, now: float) -> bool:
        """Idle, open, and not idle for too long (the server may be about to close it)."""
        transport = self.transport
        if self.closed or transport is None or transport.is_closing():
            return False
        return now - self.idle_since < KEEPALIVE

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    def _ended(self) -> None:
        was_open = not self.closed
        self.closed = True
        answer = self.answer
        if answer.until_close and answer.status:  # its body ran until the close
            self._done(bytes(answer.body))
        elif was_open or (self.waiter is not None and not self.waiter.done()):
            self._fail(HttpError("the server closed the connection"))

    def _fail(self, exc: HttpError) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        self.abort()

    def _done(self, body: bytes) -> None:
        self.reusable = self.answer.keep_alive and not self.closed and not self.buffer
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.answer.status, body))

    # reading the answer -----------------------------------------------------------------------

    def _read(self) -> None:
        answer = self.answer
        while not answer.status:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    raise HttpError("the answer's head is too long")
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            del self.buffer[: end + 4]
            self._head(head)
        if answer.until_close:
            answer.body += self.buffer
            self.buffer.clear()
        elif answer.chunked:
            self._chunks()
        elif len(self.buffer) >= answer.length:
            body = bytes(self.buffer[: answer.length])
            del self.buffer[: answer.length]
            self._done(body)

    def _head(self, head: str) -> None:
        answer = self.answer
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise HttpError("not an HTTP/1 answer")
        status = int(parts[1])
        if status < 200:  # 100 Continue and friends: the real answer follows
            return
        fields: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise HttpError("a malformed header line")
            name = name.strip().lower()
            value = value.strip()
            fields[name] = f"{fields[name]}, {value}" if name in fields else value
        connection = {t.strip() for t in fields.get("connection", "").lower().split(",")}
        if parts[0] == "HTTP/1.0":
            answer.keep_alive = "keep-alive" in connection
        else:
            answer.keep_alive = "close" not in connection
        codings = [c.strip() for c in fields.get("transfer-encoding", "").lower().split(",")]
        if status in (204, 304):
            answer.length = 0
        elif codings[-1] == "chunked":
            answer.chunked = True
        elif codings[-1]:
            raise HttpError("an unknown transfer coding")
        elif "content-length" in fields:
            length = fields["content-length"]
            if not length.isdigit():
                raise HttpError("a malformed Content-Length")
            answer.length = int(length)
        else:
            answer.until_close = True
            answer.keep_alive = False
        answer.status = status

    def _chunks(self) -> None:
        answer, buffer = self.answer, self.buffer
        while True:
            if answer.chunk < 0:  # a size line
                end = buffer.find(b"\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD:
                        raise HttpError("a chunk size line is too long")
                    return
                size = bytes(buffer[:end]).split(b";", 1)[0].strip()
                try:
                    answer.chunk = int(size, 16)
                except ValueError:
                    raise HttpError("a malformed chunk size") from None
                del buffer[: end + 2]
                if answer.chunk == 0:  # the last chunk: trailers (ignored) up to an empty line
                    answer.chunk = -2
            if answer.chunk == -2:
                if buffer.startswith(b"\r\n"):
                    del buffer[:2]
                    self._done(bytes(answer.body))
                    return
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                del buffer[: end + 4]
                self._done(bytes(answer.body))
                return
            if len(buffer) < answer.chunk + 2:
                return
            if buffer[answer.chunk : answer.chunk + 2] != b"\r\n":
                raise HttpError("a malformed chunk")
            answer.body += buffer[: answer.chunk]
            del buffer[: answer.chunk + 2]
            answer.chunk = -1


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
