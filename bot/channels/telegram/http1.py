"""One HTTP/1.1 client connection of the Bot API's keep-alive client (keepalive.py): writes a
prepared request, reads the answer by Content-Length, chunked transfer encoding or until the
server closes (1xx answers skipped), and says whether the connection can be used again."""

from __future__ import annotations

import asyncio

KEEPALIVE = 15.0  # seconds an idle connection is trusted (aiohttp's keepalive_timeout)
MAX_HEAD = 65_536  # bytes of status line and headers accepted


class HttpError(Exception):
    """The connection failed or the answer could not be read (the message names no URL)."""


class ReadTimeout(HttpError):
    """No complete answer within the read timeout."""


class ConnectTimeout(HttpError):
    """No connection (or no free one in the pool) within its timeout."""


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
        if self.transport is None or self.closed:  # closed by the server since it connected
            raise HttpError("the server closed the connection")
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
