"""The Telegram webhook route: authenticated by Telegram's secret-token header."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.channels.telegram.light import LightUpdate, light_update
from bot.channels.telegram.shape import problem
from bot.core.wire import BadInput, parse_json, same_secret

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    """The path our server listens on: the path of TELEGRAM_WEBHOOK_URL (default /telegram)."""
    path = urlsplit(url).path
    return path if path not in ("", "/") else "/telegram"


class WebhookAnswers:
    """Webhook calls still open, each waiting for one Bot API call to answer Telegram with.

    Telegram lets a bot answer a webhook call with a method call ("If you're using webhooks,
    you can perform a request to the Bot API while sending an answer to the webhook"): the
    last message of a reply travels in the HTTP answer instead of a request of its own. The
    webhook route `open`s a slot per update; the channel `offer`s the last message (after the
    earlier ones are confirmed, so the order holds); the update processor `close`s the slot
    when the update is done, so a call with nothing to answer gets a plain "ok".

    When more updates of the same user are already waiting (`queued`), the message is sent
    normally instead: Telegram runs a webhook answer after the call ends, and the next
    update's replies must not overtake it.
    """

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout  # after this the call is answered "ok" and the reply sent itself
        self.queued: Callable[[Update | LightUpdate], bool] = lambda update: False
        self._open: dict[int, asyncio.Future[dict[str, Any] | None]] = {}

    def open(self, update_id: int) -> asyncio.Future[dict[str, Any] | None]:
        future: asyncio.Future[dict[str, Any] | None] = asyncio.get_running_loop().create_future()
        self._open[update_id] = future
        return future

    def slot(self, update: Update | LightUpdate) -> Callable[[dict[str, Any]], bool] | None:
        """What the sender offers the last message to, if this update's call is still open."""
        if update.update_id not in self._open:
            return None

        def offer(params: dict[str, Any]) -> bool:
            if self.queued(update):  # a later update of this user waits: send it normally
                return False
            return self.offer(update.update_id, "sendMessage", params)

        return offer

    def offer(self, update_id: int, method: str, params: dict[str, Any]) -> bool:
        """True when the call is still open: it will answer with this method call."""
        future = self._open.pop(update_id, None)
        if future is None or future.done():
            return False
        future.set_result({"method": method, **params})
        return True

    def close(self, update_id: int) -> None:
        """The update is done: an open call gets "ok"."""
        future = self._open.pop(update_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    async def wait(self, update_id: int, future: asyncio.Future[dict[str, Any] | None]) -> Any:
        """The method call to answer with, or None ("ok") after `timeout` seconds (a timer on
        the future itself: `asyncio.wait_for` cost a task's worth of bookkeeping per call)."""
        timer = asyncio.get_running_loop().call_later(self.timeout, _expire, future)
        try:
            return await future
        finally:
            timer.cancel()
            if self._open.get(update_id) is future:
                del self._open[update_id]


def _expire(future: asyncio.Future[dict[str, Any] | None]) -> None:
    if not future.done():
        future.set_result(None)


def webhook_routes(
    application: Application[Any, Any, Any, Any, Any, Any],
    secret: str,
    path: str,
    answers: WebhookAnswers | None = None,
) -> list[web.RouteDef]:
    """POST `path`: 401 without the secret header, 403 with a wrong one, else queue the update
    (and, with `answers`, answer the call with the reply's last message once it is handled)."""

    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            log.warning("telegram webhook call without secret token from %s", request.remote)
            return web.Response(status=401, text="missing secret token")
        if not same_secret(given, secret):
            log.warning("telegram webhook call with a wrong secret token from %s", request.remote)
            return web.Response(status=403, text="wrong secret token")
        try:
            data = parse_json(await request.read())
            update_id = data.get("update_id") if isinstance(data, dict) else None
            if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
                raise BadInput("not an update")
        except BadInput:
            log.warning("telegram webhook call with an unreadable body")
            return web.Response(status=400, text="bad update")
        # the usual text or button straight from the JSON (its shape checked there), else
        # python-telegram-bot's objects once the types of the fields it reads are checked
        update: Update | LightUpdate | None = light_update(data)
        if update is None:
            if (where := problem(data)) is not None:  # Telegram must not retry it either
                log.warning("telegram update %s skipped: %s has the wrong type", update_id, where)
                return web.Response(text="ok")
            try:
                update = Update.de_json(data, application.bot)
            except Exception as exc:  # a shape this library cannot parse: no retry either
                log.warning(
                    "telegram update %s skipped: cannot be parsed (%s)",
                    data["update_id"],
                    type(exc).__name__,
                )
                return web.Response(text="ok")
        if answers is None:
            await application.update_queue.put(update)
            return web.Response(text="ok")
        answered = answers.open(update.update_id)
        await application.update_queue.put(update)
        method = await answers.wait(update.update_id, answered)
        if method is None:
            return web.Response(text="ok")
        return web.Response(body=json.dumps(method).encode(), content_type="application/json")

    return [web.post(path, telegram_webhook)]
