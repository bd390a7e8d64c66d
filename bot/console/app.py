"""The console's core: who may see what (sessions, roles, CSRF), the login page, static
assets, and every page module's routes mounted under /console/."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from bot.console.auth import COOKIE, LOGIN_CSRF_COOKIE, Auth, LoginResult, Session, same
from bot.console.render import LANG_COOKIE, SECURITY_HEADERS, environment, html, translator
from bot.core.clock import Clock
from bot.core.program import Program
from bot.storage.sqlite import SqliteStore

log = logging.getLogger(__name__)

Page = Callable[[web.Request, Session], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATIC = {"console.css": "text/css", "console.js": "text/javascript"}
PREFIX = "/console"


def see_other(location: str) -> web.Response:
    """A 303 redirect that can carry cookies."""
    return web.Response(status=303, headers={"Location": location})


class Console:
    """Everything the console's pages share; `routes()` for the bot's one web server."""

    def __init__(
        self,
        store: SqliteStore,
        program: Program,
        clock: Clock,
        *,
        secure_cookies: bool,
        rates: Mapping[str, float] | None = None,
        idle: timedelta = timedelta(minutes=60),
        lifetime: timedelta = timedelta(hours=12),
        reader_path: str | None = None,
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
        self.auth = Auth(store, clock, idle=idle, lifetime=lifetime)
        self.env = environment()
        self.broadcasts = BroadcastJob(store, program, clock, rates or {}, reader=self)
        self.imports: dict[str, tuple[str, Any]] = {}  # token -> (operator, rows) for apply
        self.funnel_cache: dict[str, tuple[dict[str, int], datetime]] = {}

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

    def refuse(self, request: web.Request, session: Session | None, status: int) -> web.Response:
        t = translator(request)
        message = {
            403: t._("You are not allowed to do this."),
            404: t._("Not found."),
        }.get(status, t._("Something went wrong."))
        return self.page(request, session, "error.html", status, message=message)

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

    # access --------------------------------------------------------------------------------

    def guard(
        self,
        page: Page,
        *,
        admin: bool = False,
        api: bool = False,
        too_large: tuple[int, Page] | None = None,
    ) -> Handler:
        """The page for a logged-in operator (admins only if `admin`); POSTs need the
        session's CSRF token. Without a session: 303 to the login page, or 401 (`api`).
        `too_large` (limit, page): a POST over the limit gets that page (changing nothing)
        instead of a bare 413."""

        async def handler(request: web.Request) -> web.StreamResponse:
            session = await self.auth.session(request.cookies.get(COOKIE))
            if session is None:
                if api:
                    return web.json_response({"error": "not logged in"}, status=401)
                raise web.HTTPSeeOther(f"{PREFIX}/login")
            if admin and not session.admin:
                return self.refuse(request, session, 403)
            if request.method == "POST":
                if too_large is not None and (request.content_length or 0) > too_large[0]:
                    return await too_large[1](request, session)
                try:
                    form = await request.post()
                except web.HTTPRequestEntityTooLarge:
                    if too_large is None:
                        raise
                    return await too_large[1](request, session)
                given = form.get("csrf")
                if not isinstance(given, str) or not same(given, session.csrf):
                    log.warning("console: POST %s without a valid CSRF token", request.path)
                    return self.refuse(request, session, 403)
            return await page(request, session)

        return handler

    # login, logout, language, assets ----------------------------------------------------------

    def _cookie(self, response: web.StreamResponse, name: str, value: str, **extra: Any) -> None:
        response.set_cookie(
            name,
            value,
            httponly=True,
            samesite="Strict",
            secure=self.secure,
            path=PREFIX,
            **extra,
        )

    async def login_form(
        self, request: web.Request, error: str = "", status: int = 200
    ) -> web.Response:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
        response = self.page(request, None, "login.html", status, csrf=token, error=error)
        self._cookie(response, LOGIN_CSRF_COOKIE, token)
        return response

    async def login(self, request: web.Request) -> web.StreamResponse:
        """Checks the form's CSRF token (double-submit cookie), then the password."""
        t = translator(request)
        form: MultiDictProxy[Any] = await request.post()
        given, expected = form.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)
        if not isinstance(given, str) or not expected or not same(given, expected):
            return self.refuse(request, None, 403)
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        result = await self.auth.login(name, password, request.cookies.get(COOKIE))
        now = self.clock.now()
        if result.result != LoginResult.OK or result.token is None or result.operator is None:
            who = result.operator.name if result.operator else "(unknown)"
            await self.store.audit(who, f"login_{result.result.value}", now)
            if result.result == LoginResult.LOCKED:
                error = t._("Too many failed logins: this account is locked for 15 minutes.")
            else:
                error = t._("Wrong name or password.")
            return await self.login_form(request, error, status=401)
        await self.store.audit(result.operator.name, "login", now)
        landing = "/" if result.operator.role == "admin" else "/handoffs"
        response = see_other(PREFIX + landing)
        self._cookie(response, COOKIE, result.token)
        response.del_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
        return response

    async def logout(self, request: web.Request, session: Session) -> web.StreamResponse:
        await self.audit(session, "logout")
        await self.auth.logout(session)
        response = see_other(f"{PREFIX}/login")
        response.del_cookie(COOKIE, path=PREFIX)
        return response

    async def set_language(self, request: web.Request) -> web.StreamResponse:
        lang = request.match_info["lang"]
        back = request.headers.get("Referer", "")
        target = back if back.startswith(str(request.url.origin()) + PREFIX) else PREFIX + "/"
        response = see_other(target)
        if lang in ("id", "en"):
            self._cookie(response, LANG_COOKIE, lang, max_age=365 * 24 * 3600)
        return response

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        body = resources.files("bot.console").joinpath("static", name).read_bytes()
        response = web.Response(body=body, content_type=STATIC[name])
        response.headers.update(SECURITY_HEADERS)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    async def home(self, request: web.Request, session: Session) -> web.StreamResponse:
        from bot.console.overview import overview

        if not session.admin:
            raise web.HTTPSeeOther(f"{PREFIX}/handoffs")
        return await overview(self, request, session)

    def routes(self) -> list[web.RouteDef]:
        """Every console route, under /console/."""
        from bot.console import (
            audit,
            broadcasts,
            feedback,
            flagged,
            handoffs,
            imports,
            participants,
            unknown,
        )

        async def root(request: web.Request) -> web.StreamResponse:
            raise web.HTTPSeeOther(f"{PREFIX}/")

        found = [
            web.get(PREFIX, root),
            web.get(f"{PREFIX}/", self.guard(self.home)),
            web.get(f"{PREFIX}/login", self.login_form),
            web.post(f"{PREFIX}/login", self.login),
            web.post(f"{PREFIX}/logout", self.guard(self.logout)),
            web.get(PREFIX + "/lang/{lang}", self.set_language),
            web.get(PREFIX + "/static/{name}", self.static),
        ]
        for module in (
            participants,
            handoffs,
            broadcasts,
            imports,
            audit,
            unknown,
            flagged,
            feedback,
        ):
            found += module.routes(self)
        return found

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Console]:
        """Opens the read connection; resumes enqueueing unfinished broadcasts meanwhile."""
        if self._reader_path is not None and self._reader_path != ":memory:":
            self.reader = await SqliteStore.open(self._reader_path)
        try:
            await self.broadcasts.start()
            try:
                yield self
            finally:
                await self.broadcasts.stop()
        finally:
            if self.reader is not self.store:
                await self.reader.close()
                self.reader = self.store
