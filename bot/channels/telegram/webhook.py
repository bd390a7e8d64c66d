"""The Telegram webhook route: authenticated by Telegram's secret-token header."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(url: str) -> str:
    """The path our server listens on: the path of TELEGRAM_WEBHOOK_URL (default /telegram)."""
    path = urlsplit(url).path
    return path if path not in ("", "/") else "/telegram"


def webhook_routes(
    application: Application[Any, Any, Any, Any, Any, Any], secret: str, path: str
) -> list[web.RouteDef]:
    """POST `path`: 401 without the secret header, 403 with a wrong one, else queue the update."""
    expected = secret.encode()

    async def telegram_webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            log.warning("telegram webhook call without secret token from %s", request.remote)
            return web.Response(status=401, text="missing secret token")
        if not hmac.compare_digest(given.encode(), expected):
            log.warning("telegram webhook call with a wrong secret token from %s", request.remote)
            return web.Response(status=403, text="wrong secret token")
        try:
            data = await request.json(loads=json.loads)
            if not isinstance(data, dict) or "update_id" not in data:
                raise ValueError("not an update")
            update = Update.de_json(data, application.bot)
        except Exception:
            log.warning("telegram webhook call with an unreadable body")
            return web.Response(status=400, text="bad update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    return [web.post(path, telegram_webhook)]
