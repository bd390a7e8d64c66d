"""Logging in (password, then the authenticator's code once set up; throttled by name and
address), logging out, the language links, static assets, and the operator's own account
page where they set up their second factor (TOTP)."""

from __future__ import annotations

import secrets
from importlib import resources
from typing import Any

import pyotp
import segno
from aiohttp import web
from multidict import MultiDictProxy

from bot.console.app import PREFIX, Console, console_of, page, see_other
from bot.console.auth import COOKIE, LOGIN_CSRF_COOKIE, LoginResult, Session, same, totp_ok
from bot.console.render import LANG_COOKIE, SECURITY_HEADERS, translator
from bot.console.throttle import Throttle, minutes

ROUTES = web.RouteTableDef()
STATIC = {"console.css": "text/css", "console.js": "text/javascript"}
ISSUER = "Prakerja bot console"


def cookie(
    console: Console, response: web.StreamResponse, name: str, value: str, **extra: Any
) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="Strict",
        secure=console.secure,
        path=PREFIX,
        **extra,
    )


async def login_form(request: web.Request, error: str = "", status: int = 200) -> web.Response:
    """The login form, with a double-submit CSRF token (no session yet)."""
    console = console_of(request)
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = console.page(request, None, "login.html", status, csrf=token, error=error)
    cookie(console, response, LOGIN_CSRF_COOKIE, token)
    return response


@ROUTES.get(PREFIX + "/login")
async def show_login(request: web.Request) -> web.StreamResponse:
    """Stores nothing; asks for the name, the password and (once set up) the code."""
    return await login_form(request)


@ROUTES.post(PREFIX + "/login")
async def login(request: web.Request) -> web.StreamResponse:
    """Checks the form's CSRF token (double-submit cookie), the throttle, then the password
    and code; records refusals in the audit log with the address they came from."""
    console = console_of(request)
    t = translator(request)
    form: MultiDictProxy[Any] = await request.post()
    given, expected = form.get("csrf"), request.cookies.get(LOGIN_CSRF_COOKIE)
    if not isinstance(given, str) or not expected or not same(given, expected):
        await console.audit_refusal(request, "(login)", "refused_csrf")
        return console.refuse(request, None, 403)
    name, password = str(form.get("name", ""))[:200], str(form.get("password", ""))
    address = console.address(request)
    throttle = Throttle(console.store, console.clock)
    wait = await throttle.wait(name, address)
    if wait.total_seconds() > 0:
        await console.audit_refusal(request, name.strip()[:60] or "(empty)", "login_throttled")
        error = t.ngettext(
            "Too many failed logins from here: try again in {n} minute.",
            "Too many failed logins from here: try again in {n} minutes.",
            minutes(wait),
        ).format(n=minutes(wait))
        return await login_form(request, error, status=429)
    result = await console.auth.login(
        name, password, str(form.get("code", "")), request.cookies.get(COOKIE)
    )
    if result.result != LoginResult.OK or result.token is None or result.operator is None:
        await throttle.failed(name, address)
        who = result.operator.name if result.operator else "(unknown)"
        await console.audit_refusal(request, who, f"login_{result.result.value}")
        if result.result == LoginResult.CODE:
            error = t._("Enter the 6-digit code from your authenticator app.")
        else:
            error = t._("Wrong name or password.")
        return await login_form(request, error, status=401)
    await throttle.succeeded(name, address)
    await console.store.audit(
        result.operator.name, "login", console.clock.now(), {"from": address}
    )
    landing = "/" if result.operator.role == "admin" else "/handoffs"
    response = see_other(PREFIX + landing)
    cookie(console, response, COOKIE, result.token)
    response.del_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@ROUTES.post(PREFIX + "/logout")
@page()
async def logout(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Deletes the session; back to the login form."""
    await console.audit(session, "logout")
    await console.auth.logout(session)
    response = see_other(f"{PREFIX}/login")
    response.del_cookie(COOKIE, path=PREFIX)
    return response


@ROUTES.get(PREFIX + "/lang/{lang}")
async def set_language(request: web.Request) -> web.StreamResponse:
    """Stores the language in a cookie; back to the page the operator was on."""
    console = console_of(request)
    lang = request.match_info["lang"]
    back = request.headers.get("Referer", "")
    target = back if back.startswith(str(request.url.origin()) + PREFIX) else PREFIX + "/"
    response = see_other(target)
    if lang in ("id", "en"):
        cookie(console, response, LANG_COOKIE, lang, max_age=365 * 24 * 3600)
    return response


@ROUTES.get(PREFIX + "/static/{name}")
async def static(request: web.Request) -> web.StreamResponse:
    """The stylesheet (and the reserved script), cached an hour."""
    name = request.match_info["name"]
    if name not in STATIC:
        raise web.HTTPNotFound()
    body = resources.files("bot.console").joinpath("static", name).read_bytes()
    response = web.Response(body=body, content_type=STATIC[name])
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@ROUTES.get(PREFIX)
async def root(request: web.Request) -> web.StreamResponse:
    """/console → /console/."""
    raise web.HTTPSeeOther(f"{PREFIX}/")


# the operator's own account: the second factor ---------------------------------------------


def qr_svg(uri: str) -> str:
    """The provisioning URI as an SVG data URI (the CSP allows data: images)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=4))


@ROUTES.get(PREFIX + "/account")
@page()
async def account(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """Shows whether the second factor is on; offers to set it up."""
    pending = await console.store.totp_pending(session.operator.id)
    uri = (
        pyotp.TOTP(pending).provisioning_uri(name=session.operator.name, issuer_name=ISSUER)
        if pending
        else ""
    )
    return console.page(
        request,
        session,
        "account.html",
        active=bool(session.operator.totp_secret),
        pending=pending or "",
        qr=qr_svg(uri) if uri else "",
        error=request.query.get("error", "") == "code",
    )


@ROUTES.post(PREFIX + "/account/totp/{action}")
@page()
async def totp(console: Console, request: web.Request, session: Session) -> web.StreamResponse:
    """start: stores a new secret as pending; confirm: the code proves the app has it, the
    secret is in use from the next login; off: agents may turn it off, admins may not."""
    action = request.match_info["action"]
    operator = session.operator
    target = f"{PREFIX}/account"
    if action == "start":
        await console.store.set_totp(
            operator.id, pending=pyotp.random_base32(), secret=operator.totp_secret
        )
    elif action == "confirm":
        pending = await console.store.totp_pending(operator.id)
        code = str((await request.post()).get("code", ""))
        if not pending or not totp_ok(pending, code):
            raise web.HTTPSeeOther(target + "?error=code")
        await console.store.set_totp(operator.id, pending=None, secret=pending)
        await console.audit(session, "totp_on")
    elif action == "off" and not session.admin:
        await console.store.set_totp(operator.id, pending=None, secret=None)
        await console.audit(session, "totp_off")
    else:
        return console.refuse(request, session, 403)
    raise web.HTTPSeeOther(target)
