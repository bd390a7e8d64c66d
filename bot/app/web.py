"""The bot's one HTTP server (aiohttp.web): health check, webhooks, operator API.

Every feature hands the runner its routes as `list[web.RouteDef]` (Telegram: the webhook;
WhatsApp: `/whatsapp`; operator API: `/admin/...`); they all share one app, process and port
(`WEB_LISTEN`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from aiohttp import web

log = logging.getLogger(__name__)

# Meta's webhook bodies may reach 3 MB (a batch of messages and statuses); answering 413 makes
# Meta retry the same body for days.
MAX_BODY = 3 * 1024 * 1024


async def healthz(request: web.Request) -> web.Response:
    """Liveness for load balancers and container health checks."""
    return web.json_response({"status": "ok"})


def build_web_app(routes: Iterable[web.AbstractRouteDef] = ()) -> web.Application:
    """The aiohttp application with `GET /healthz` and every feature's routes."""
    app = web.Application(client_max_size=MAX_BODY)
    app.add_routes([web.get("/healthz", healthz), *routes])
    return app


@asynccontextmanager
async def serve(app: web.Application, host: str, port: int) -> AsyncIterator[web.AppRunner]:
    """Listens on host:port until the block ends, then closes connections and cleans up."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("web server listening on %s:%s", host, port)
        yield runner
    finally:
        await runner.cleanup()
        log.info("web server stopped")
