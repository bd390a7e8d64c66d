"""A fake Telegram Bot API: in-process (`RecordingRequest`) or on loopback (`FakeBotApi`).

Both answer from the same `BotApiState`: valid Bot API JSON for the methods the bot uses,
every call recorded, `sendMessage` counted per chat, optional 429s above a rate, and canned
errors per chat. Any other method is recorded in `unexpected` and answered 404.

    async with FakeBotApi(max_per_second=30) as api:   # for a benchmark or an e2e test
        settings = load_settings(telegram_base_url=api.base_url, ...)
    request = RecordingRequest()                         # for Application.process_update tests
    application = ApplicationBuilder().token(TOKEN).request(request)...
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from telegram.request import BaseRequest, RequestData

TOKEN = "123456:TEST-token"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Prakerja Bot",
    "username": "prakerja_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options"}
_TRUE_METHODS = {
    "answerCallbackQuery",
    "setMyCommands",
    "setWebhook",
    "deleteWebhook",
    "setChatMenuButton",
}


@dataclass
class Call:
    """One Bot API call as the bot made it."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass
class BotApiState:
    """What the fake Bot API knows, records and answers."""

    max_per_second: float | None = None  # answer 429 above this many sendMessage per second
    retry_after: int = 1
    errors: dict[str, tuple[int, str]] = field(default_factory=dict)  # chat_id -> (code, desc)
    calls: list[Call] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    sent: Counter[str] = field(default_factory=Counter)  # sendMessage per chat id
    throttled: int = 0
    updates: list[dict[str, Any]] = field(default_factory=list)  # served by getUpdates
    accepted: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> bytes (getFile)
    downloads: list[str] = field(default_factory=list)  # file paths downloaded
    _recent: deque[float] = field(default_factory=deque)
    _message_ids: Counter[str] = field(default_factory=Counter)
    _waiters: dict[str, list[tuple[int, asyncio.Future[None]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _called: dict[str, asyncio.Event] = field(default_factory=lambda: defaultdict(asyncio.Event))

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call of `method`, in order."""
        return [c.params for c in self.calls if c.method == method]

    def texts(self, chat_id: str | int | None = None) -> list[str]:
        return [
            p["text"]
            for p in self.of("sendMessage")
            if chat_id is None or str(p["chat_id"]) == str(chat_id)
        ]

    async def wait_sent(self, chat_id: str | int, count: int, seconds: float = 5.0) -> None:
        """Waits (at most `seconds`) until `count` messages in total went to `chat_id`."""
        key = str(chat_id)
        if self.sent[key] >= count:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[key].append((count, future))
        await asyncio.wait_for(future, seconds)

    async def wait_called(self, method: str, seconds: float = 5.0) -> None:
        """Waits (at most `seconds`) until the bot has called `method` at least once."""
        await asyncio.wait_for(self._called[method].wait(), seconds)

    def webhook_answered(self, content_type: str, body: bytes) -> None:
        """What Telegram does with the bot's answer to a webhook call: a JSON answer with a
        `method` is executed as that Bot API call (counted when the answer is received)."""
        if content_type != "application/json":
            return
        params = json.loads(body)
        self.answer(params.pop("method"), params)

    def download(self, path: str) -> tuple[int, bytes]:
        """A file as the file server sends it (`photos/<file_id>.jpg`), or a 404."""
        self.downloads.append(path)
        file_id = path.removeprefix("photos/").removesuffix(".jpg")
        if file_id not in self.files:
            return 404, b"Not Found"
        return 200, self.files[file_id]

    def _throttle(self, now: float) -> bool:
        if self.max_per_second is None:
            return False
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.max_per_second:
            self.throttled += 1
            return True
        self._recent.append(now)
        return False

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON body Telegram would answer."""
        now = time.monotonic()
        self.calls.append(Call(method, params, now))
        if method in self._called:
            self._called[method].set()
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method in _TRUE_METHODS:
            return 200, {"ok": True, "result": True}
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            return 200, {"ok": True, "result": self.updates}
        if method == "sendMessage":
            return self._send_message(params, now)
        if method == "getFile" and params.get("file_id") in self.files:
            file_id = str(params["file_id"])
            return 200, {
                "ok": True,
                "result": {
                    "file_id": file_id,
                    "file_unique_id": f"u{file_id}",
                    "file_size": len(self.files[file_id]),
                    "file_path": f"photos/{file_id}.jpg",
                },
            }
        self.unexpected.append(method)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _send_message(self, params: dict[str, Any], now: float) -> tuple[int, dict[str, Any]]:
        chat_id = str(params["chat_id"])
        if chat_id in self.errors:
            code, description = self.errors[chat_id]
            return code, {"ok": False, "error_code": code, "description": description}
        if self._throttle(now):
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {self.retry_after}",
                "parameters": {"retry_after": self.retry_after},
            }
        self.sent[chat_id] += 1
        self.accepted[chat_id].append(str(params.get("text", "")))  # what arrived, in order
        self._message_ids[chat_id] += 1
        waiters = self._waiters.get(chat_id)
        if waiters:
            for entry in [w for w in waiters if w[0] <= self.sent[chat_id]]:
                waiters.remove(entry)
                if not entry[1].done():
                    entry[1].set_result(None)
        message: dict[str, Any] = {
            "message_id": self._message_ids[chat_id],
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if "inline_keyboard" in params.get("reply_markup", {}):  # Telegram echoes only these
            message["reply_markup"] = params["reply_markup"]
        return 200, {"ok": True, "result": message}


def _decode(form: dict[str, str]) -> dict[str, Any]:
    return {k: json.loads(v) if k in _JSON_FIELDS else v for k, v in form.items()}


class RecordingRequest(BaseRequest):
    """A python-telegram-bot transport that never opens a socket: answers from `state`."""

    def __init__(self, state: BotApiState | None = None) -> None:
        self.state = state or BotApiState()
        self.fail_with: Exception | None = None  # raise this from the next call (network)
        # (method, condition on the parameters, event): such calls wait until the event is set
        self.holds: list[tuple[str, Callable[[dict[str, Any]], bool], asyncio.Event]] = []

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if self.fail_with is not None:
            exc, self.fail_with = self.fail_with, None
            raise exc
        if f"/file/bot{TOKEN}/" in unquote(url):  # a file download (TELEGRAM_BASE_FILE_URL)
            return self.state.download(unquote(url).split(f"/file/bot{TOKEN}/", 1)[1])
        endpoint = url.rsplit("/", 1)[-1]
        params = _decode(request_data.json_parameters) if request_data else {}
        for method, condition, event in self.holds:
            if method == endpoint and condition(params):
                await event.wait()
        code, body = self.state.answer(endpoint, params)
        return code, json.dumps(body).encode()


class FakeBotApi:
    """The same fake on 127.0.0.1 over HTTP; point TELEGRAM_BASE_URL at `base_url`."""

    def __init__(self, state: BotApiState | None = None, **options: Any) -> None:
        self.state = state or BotApiState(**options)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if request.content_type == "application/json":
            params: dict[str, Any] = await request.json()
        else:
            params = _decode({k: str(v) for k, v in (await request.post()).items()})
        method = request.match_info["method"]
        if method == "getUpdates" and not self.state.updates:
            await asyncio.sleep(0.02)  # a (very) short long poll, so polling does not spin
        code, body = self.state.answer(method, params)
        return web.json_response(body, status=code)

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.Response(status=401)
        code, body = self.state.download(request.match_info["path"])
        return web.Response(status=code, body=body)

    async def start(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
