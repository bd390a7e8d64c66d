"""The Bot API's keep-alive client (bot/channels/telegram/keepalive.py) under AiohttpRequest:
Telegram's answers reach python-telegram-bot and the sender as before, whatever way the
server frames them, and every failure is python-telegram-bot's error without the URL."""

from __future__ import annotations

import asyncio
import json
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram.aiohttp_request import AiohttpRequest
from bot.channels.telegram.http1 import Connection, HttpError
from bot.channels.telegram.sender import TelegramSender, bot_post
from bot.core.domain import Reply
from bot.core.outbound import Outbound, Outcome
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.helpers import free_port

OK = b'{"ok":true,"result":true}'


def form(**params: str) -> RequestData:
    return RequestData([RequestParameter(k, v, None) for k, v in params.items()])


# Against the fake Bot API over HTTP: the outcomes the sender maps Telegram's answers to ------


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=api.base_url, request=request, get_updates_request=request)
    await bot.initialize()
    yield bot
    await request.shutdown()


async def test_messages_sent_and_the_connection_reused(api: FakeBotApi, bot: Bot) -> None:
    sender = TelegramSender(bot)
    for n in range(5):
        delivery = await sender.send(Outbound("42", (Reply(f"Halo & <{n}> 💸"),)))
        assert delivery.outcome == Outcome.SENT and delivery.message_ids == (str(n + 1),)
    assert api.state.texts("42") == [f"Halo &amp; &lt;{n}&gt; 💸" for n in range(5)]
    await sender.answer_query("q1")
    assert api.state.of("answerCallbackQuery") == [{"callback_query_id": "q1"}]
    request = bot.request
    assert isinstance(request, AiohttpRequest)
    assert len(request._keepalive._open) == 1  # one connection for every call, kept alive


@pytest.mark.parametrize(
    ("code", "description", "error", "outcome"),
    [
        (403, "Forbidden: bot was blocked by the user", Forbidden, Outcome.UNREACHABLE),
        (400, "Bad Request: chat not found", BadRequest, Outcome.PERMANENT),
        (502, "Bad Gateway", NetworkError, Outcome.TRANSIENT),
    ],
)
async def test_telegram_errors_reach_the_sender_unchanged(
    api: FakeBotApi,
    bot: Bot,
    code: int,
    description: str,
    error: type[Exception],
    outcome: Outcome,
) -> None:
    api.state.errors["42"] = (code, description)
    with pytest.raises(error) as caught:
        await bot_post(bot, "sendMessage", {"chat_id": "42", "text": "x"})
    assert description.split(":")[-1].strip().lower() in str(caught.value).lower()
    delivery = await TelegramSender(bot).send(Outbound("42", (Reply("Halo"),)))
    assert delivery.outcome == outcome
    assert description.split(":")[-1].strip().lower() in (delivery.error or "").lower()


async def test_a_429_is_retry_after_with_telegrams_seconds(api: FakeBotApi, bot: Bot) -> None:
    api.state.max_per_second = 1
    api.state.retry_after = 7
    await bot_post(bot, "sendMessage", {"chat_id": "42", "text": "satu"})
    with pytest.raises(RetryAfter) as caught:
        await bot_post(bot, "sendMessage", {"chat_id": "42", "text": "dua"})
    assert caught.value.retry_after in (7, timedelta(seconds=7))
    delivery = await TelegramSender(bot, reply_attempts=1).send(
        Outbound("42", (Reply("tiga"),)), reply=True
    )
    assert delivery.outcome == Outcome.RETRY_AFTER and delivery.retry_after == 7


# Against a scripted server: framing, reuse, failures ----------------------------------------

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await reader.readexactly(length)


class Server:
    def __init__(self, script: Script) -> None:
        self.script = script
        self.connections = 0
        self.port = free_port()
        self.serving: set[asyncio.Task[object]] = set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self.serving.add(task)
        try:
            await self.script(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            self.serving.discard(task)

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()
        if self.serving:  # each ends once the client has closed its connection
            await asyncio.wait(self.serving, timeout=5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot{TOKEN}/sendMessage"


def answering(*answers: bytes, then_close: bool = False) -> tuple[Script, list[bytes]]:
    """A server writing each answer (bytes, possibly in pieces split by b'|') per request."""
    seen: list[bytes] = []

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for answer in answers:
            seen.append(await read_request(reader))
            for piece in answer.split(b"|"):
                writer.write(piece)
                await writer.drain()
                await asyncio.sleep(0.01)
        if then_close:
            return
        await reader.read()

    return script, seen


async def post(request: AiohttpRequest, url: str, **params: str) -> tuple[int, bytes]:
    return await request.do_request(url, "POST", form(**params) if params else form())


def ok(body: bytes = OK, *headers: bytes) -> bytes:
    extra = b"".join(h + b"\r\n" for h in headers)
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


async def test_the_request_is_the_form_aiohttp_sent() -> None:
    script, seen = answering(ok())
    async with Server(script) as server:
        request = AiohttpRequest()
        try:
            assert await post(request, server.url, chat_id="42", text="a b&c") == (200, OK)
        finally:
            await request.shutdown()
    head, body = seen[0].split(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == f"POST /bot{TOKEN}/sendMessage HTTP/1.1".encode()
    assert f"Host: 127.0.0.1:{server.port}".encode() in lines
    assert b"Content-Type: application/x-www-form-urlencoded" in lines
    assert body == b"chat_id=42&text=a+b%26c"


async def test_answers_in_pieces_chunked_and_after_a_100_continue() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5;ext=1\r\n{"ok"|\r\n14\r\n:true,"result":true}\r\n0\r\nX-Trailer: 1\r\n\r\n'
    )
    script, seen = answering(
        b'HTTP/1.1 200 OK\r\nContent-|Length: 25\r\n\r\n{"ok":true,|"result":true}',
        chunked,
        b"HTTP/1.1 100 Continue\r\n\r\n" + ok(),
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    async with Server(script) as server:
        request = AiohttpRequest()
        try:
            for expected in (OK, OK, OK, b""):
                assert await post(request, server.url, n="1") == (200, expected)
        finally:
            await request.shutdown()
    assert server.connections == 1 and len(seen) == 4


@pytest.mark.parametrize(
    "answer",
    [
        ok(OK, b"Connection: close"),  # the server asked to close
        b"HTTP/1.0 200 OK\r\n\r\n" + OK,  # an answer read until the server closes
    ],
    ids=["connection-close", "until-close"],
)
async def test_a_connection_the_server_closes_is_not_reused(answer: bytes) -> None:
    script, _ = answering(answer, then_close=True)
    async with Server(script) as server:
        request = AiohttpRequest()
        try:
            assert await post(request, server.url) == (200, OK)
            assert await post(request, server.url) == (200, OK)
        finally:
            await request.shutdown()
    assert server.connections == 2


async def test_an_error_status_is_telegrams_error() -> None:
    body = b'{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}'
    script, _ = answering(
        b"HTTP/1.1 403 Forbidden\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    )
    async with Server(script) as server:
        request = AiohttpRequest()
        try:
            with pytest.raises(Forbidden, match="blocked"):
                await request.post(server.url, form(chat_id="1", text="x"))
        finally:
            await request.shutdown()


async def show(failure: Awaitable[object]) -> str:
    with pytest.raises(NetworkError) as caught:  # TimedOut is a NetworkError
        await failure
    shown = "".join(traceback.format_exception(caught.value))
    assert "TEST-token" not in shown and TOKEN not in shown
    return type(caught.value).__name__


@pytest.mark.parametrize(
    "answer",
    [
        b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"ok"',  # closed mid-body
        b"",  # closed without an answer
        b"SMTP ready\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    ],
)
async def test_a_broken_answer_is_a_network_error(answer: bytes) -> None:
    script, _ = answering(answer, then_close=True)
    async with Server(script) as server:
        request = AiohttpRequest()
        try:
            assert await show(post(request, server.url)) == "NetworkError"
            assert not request._keepalive._open  # the broken connection is not kept
        finally:
            await request.shutdown()


async def test_no_answer_in_time_is_timed_out_and_the_connection_dropped() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    async with Server(silent) as server:
        request = AiohttpRequest(read_timeout=0.2)
        try:
            assert await show(post(request, server.url)) == "TimedOut"
            assert not request._keepalive._open
        finally:
            await request.shutdown()


async def test_nobody_listening_is_a_network_error() -> None:
    request = AiohttpRequest(connect_timeout=1.0)
    try:
        url = f"http://127.0.0.1:{free_port()}/bot{TOKEN}/sendMessage"
        assert await show(post(request, url)) == "NetworkError"
    finally:
        await request.shutdown()


async def test_the_pool_limit_makes_calls_wait_their_turn() -> None:
    busy = 0
    most = 0
    delay = 0.02

    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal busy, most
        while True:
            await read_request(reader)
            busy += 1
            most = max(most, busy)
            await asyncio.sleep(delay)
            busy -= 1
            writer.write(ok())
            await writer.drain()

    async with Server(slow) as server:
        request = AiohttpRequest(pool_size=2)
        try:
            answers = await asyncio.gather(*(post(request, server.url) for _ in range(8)))
            assert answers == [(200, OK)] * 8
            assert most == 2 and server.connections == 2
            delay = 0.5
            short = AiohttpRequest(pool_size=1, pool_timeout=0.05)
            try:
                results = await asyncio.gather(
                    post(short, server.url), show(post(short, server.url))
                )
                assert list(results) == [(200, OK), "TimedOut"]
            finally:
                await short.shutdown()
        finally:
            await request.shutdown()


async def test_an_idle_connection_closed_by_the_server_is_not_used() -> None:
    async def closes_when_idle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(ok())
        await writer.drain()  # then closes its side while the connection is idle

    async with Server(closes_when_idle) as server:
        request = AiohttpRequest()
        try:
            assert await post(request, server.url) == (200, OK)
            await asyncio.sleep(0.1)  # the server's close arrives
            assert await post(request, server.url) == (200, OK)
        finally:
            await request.shutdown()
    assert server.connections == 2


async def test_the_json_answer_reaches_python_telegram_bot() -> None:
    result = {"message_id": 7, "date": 0, "chat": {"id": 1, "type": "private"}}
    body = json.dumps({"ok": True, "result": result}).encode()
    script, _ = answering(ok(body))
    async with Server(script) as server:
        request = AiohttpRequest()
        try:
            assert await request.post(server.url, form(chat_id="1", text="x")) == result
        finally:
            await request.shutdown()


async def test_a_connection_closed_before_its_request_is_a_network_error() -> None:
    connection = Connection(asyncio.get_running_loop())
    connection.connection_lost(None)  # the server closed it between connect and request
    with pytest.raises(HttpError):
        connection.request(b"POST / HTTP/1.1\r\n\r\n")
