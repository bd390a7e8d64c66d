"""The console's core: what every page shares (the store, rendering, the audit log), who may see
what (sessions, roles, CSRF), and the `page` decorator that turns a module-level handler into a
route reading the console from the request (`request.config_dict[CONSOLE]`).

Each page module has its own route table (`ROUTES`); bot/console/site.py lists them all and
`mount(app, console)` puts the console where the handlers find it."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.console.auth import COOKIE, Auth, Session, same
from bot.console.render import environment, html, translator
from bot.core.clock import Clock
from bot.core.program import Program
from bot.storage import open_reader
from bot.storage.roles import ConsoleStore

log = logging.getLogger(__name__)

PageFn = Callable[["Console", web.Request, Session], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PREFIX = "/console"
# Proxies whose X-Forwarded-For names the client (the documented nginx runs on the same host).
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def see_other(location: str) -> web.Response:
    """A 303 redirect that can carry cookies."""
    return web.Response(status=303, headers={"Location": location})


def client_address(
    request: web.Request, proxies: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> str:
    """Who sent the request: the peer, or (when the peer is a trusted proxy) the last address
    its X-Forwarded-For names."""
    peer = request.remote or "?"
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return peer[:64]
    if any(address in network for network in proxies):
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            return peer
    return peer


class Console:
    """Everything the console's pages share; `routes()` and `mount()` for the web server."""

    def __init__(
        self,
        store: ConsoleStore,
        program: Program,
        clock: Clock,
        *,
        secure_cookies: bool,
        rates: Mapping[str, float] | None = None,
        idle: timedelta = timedelta(minutes=60),
        lifetime: timedelta = timedelta(hours=12),
        reader_path: str | None = None,
        proxies: Iterable[str] = ("127.0.0.0/8", "::1/128"),
        settings: Mapping[str, Any] | None = None,
        refresher: Callable[[Console], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        from bot.console.sending import BroadcastJob

        self.store = store
        # The big reads (funnel, lists, exports, counts) go through a connection of their own
        # when the database is a file: a second's count on 1,000,000 participants must not hold
        # up the bot's own queries, which share the store's one connection (WAL: readers and
        # the writer do not block each other).
        self.reader = store
        self._reader_path = reader_path
        self.program = program
        self.clock = clock
        self.secure = secure_cookies
        self.proxies = [ipaddress.ip_network(p, strict=False) for p in proxies]
        self.settings: dict[str, Any] = {
            "waiting_alert_minutes": 30,
            "agent_cap": 5,
            "retention_days": 90,
            **(settings or {}),
        }
        self.auth = Auth(store, clock, idle=idle, lifetime=lifetime)
        self.env = environment()
        self.broadcasts = BroadcastJob(store, program, clock, rates or {}, reader=self)
        self.funnel_cache: dict[str, tuple[dict[str, int], datetime]] = {}
        # recount the overview's funnel in the background, so no page load waits for it
        self._refresher = refresher  # kept running while the console runs

    # rendering -----------------------------------------------------------------------------

    def page(
        self,
        request: web.Request,
        session: Session | None,
        name: str,
        status: int = 200,
        **values: Any,
    ) -> web.Response:
        names = {key: scheme.name for key, scheme in self.program.schemes.items()}
        return html(
            self.env,
            request,
            name,
            status,
            session,
            scheme_label=lambda key: names.get(key, key) if key else "–",
            **values,
        )

    def error(
        self, request: web.Request, session: Session | None, status: int, message: str
    ) -> web.Response:
        """The error page; its "Back" link is the referring console page (no script)."""
        origin = str(request.url.origin())
        back = request.headers.get("Referer", "")
        if not back.startswith(origin + PREFIX + "/") or back.startswith(
            origin + PREFIX + "/login"
        ):
            back = PREFIX + "/" if session is not None else PREFIX + "/login"
        else:
            back = back[len(origin) :]
        return self.page(request, session, "error.html", status, message=message, back=back)

    def refuse(self, request: web.Request, session: Session | None, status: int) -> web.Response:
        t = translator(request)
        message = {
            403: t._("You are not allowed to do this."),
            404: t._("Not found."),
        }.get(status, t._("Something went wrong."))
        return self.error(request, session, status, message)

    def address(self, request: web.Request) -> str:
        return client_address(request, self.proxies)

    async def audit(
        self,
        session: Session,
        action: str,
        detail: dict[str, Any] | None = None,
        participant_id: int | None = None,
    ) -> None:
        await self.store.audit(
            session.operator.name, action, self.clock.now(), detail, participant_id
        )

    async def audit_refusal(
        self, request: web.Request, who: str, action: str, **detail: Any
    ) -> None:
        """A refused login or action, with where it came from."""
        await self.store.audit(
            who,
            action,
            self.clock.now(),
            {"from": self.address(request), "path": request.path[:200], **detail},
        )

    # access --------------------------------------------------------------------------------

    async def guarded(
        self,
        request: web.Request,
        page: PageFn,
        *,
        admin: bool,
        api: bool,
        too_large: tuple[int, PageFn] | None,
    ) -> web.StreamResponse:
        """The page for a logged-in operator (admins only if `admin`); POSTs need the
        session's CSRF token. Without a session: 303 to the login page, or 401 (`api`)."""
        session = await self.auth.session(request.cookies.get(COOKIE))
        if session is None:
            if api:
                return web.json_response({"error": "not logged in"}, status=401)
            raise web.HTTPSeeOther(f"{PREFIX}/login")
        if admin and not session.admin:
            await self.audit_refusal(request, session.operator.name, "refused_admin_page")
            return self.refuse(request, session, 403)
        if request.method == "POST":
            if too_large is not None and (request.content_length or 0) > too_large[0]:
                return await too_large[1](self, request, session)
            try:
                form = await request.post()
            except web.HTTPRequestEntityTooLarge:
                if too_large is None:
                    raise
                return await too_large[1](self, request, session)
            given = form.get("csrf")
            if not isinstance(given, str) or not same(given, session.csrf):
                log.warning("console: POST %s without a valid CSRF token", request.path)
                await self.audit_refusal(request, session.operator.name, "refused_csrf")
                return self.refuse(request, session, 403)
        return await page(self, request, session)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Console]:
        """Opens the read connection; resumes enqueueing unfinished broadcasts meanwhile."""
        if self._reader_path is not None and self._reader_path != ":memory:":
            self.reader = await open_reader(self._reader_path)
        refresher = asyncio.create_task(self._refresher(self)) if self._refresher else None
        try:
            await self.broadcasts.start()
            try:
                yield self
            finally:
                await self.broadcasts.stop()
                if refresher is not None:
                    refresher.cancel()
                    await asyncio.gather(refresher, return_exceptions=True)
        finally:
            if self.reader is not self.store:
                await self.reader.close()
                self.reader = self.store


CONSOLE = web.AppKey("console", Console)


def mount(app: web.Application, console: Console) -> None:
    """Puts the console where its handlers read it, and its not-found page on every unknown
    /console/ path (before the app starts)."""
    app[CONSOLE] = console
    app.middlewares.append(console_not_found)


@web.middleware
async def console_not_found(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A 404 under /console/ (an unknown path or a missing asset) as the console's own styled
    page, in the operator's language; other paths keep aiohttp's answer."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        if not request.path.startswith(PREFIX + "/"):
            raise
        console = request.config_dict[CONSOLE]
        session = await console.auth.session(request.cookies.get(COOKIE))
        return console.refuse(request, session, 404)


def page(
    *, admin: bool = False, api: bool = False, too_large: tuple[int, PageFn] | None = None
) -> Callable[[PageFn], Handler]:
    """A module-level page `(console, request, session)` as an aiohttp handler: the console
    from the request's app, the session checked (admins only if `admin`), POSTs' CSRF token
    checked. `too_large` (limit, page): a POST over the limit gets that page instead of 413."""

    def wrap(fn: PageFn) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            console = request.config_dict[CONSOLE]
            return await console.guarded(request, fn, admin=admin, api=api, too_large=too_large)

        handler.__name__ = fn.__name__
        handler.__qualname__ = fn.__qualname__
        handler.__module__ = fn.__module__
        handler.__doc__ = fn.__doc__
        return handler

    return wrap


def console_of(request: web.Request) -> Console:
    return request.config_dict[CONSOLE]
