"""Server-side rendering: the Jinja2 environment (templates shipped in the package), the
operator's language (Indonesian first, English second, through the bot's catalogs), and the
small formatting helpers the templates use."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.console import labels
from bot.console.auth import Session
from bot.core.i18n import LOCALES, Translator
from bot.core.wire import bounded_int

LANG_COOKIE = "prakerja_console_lang"
ZONE = "Asia/Jakarta"  # times are shown in WIB to operators

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def environment() -> Environment:
    return Environment(
        loader=PackageLoader("bot.console", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language(request: web.Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "id")
    return lang if lang in LOCALES else "id"


def translator(request: web.Request) -> Translator:
    return Translator(language(request), ZONE)


def query_days(request: web.Request, default: int) -> int:
    """A page's period from `?days=`: 1 to 90 days, `default` when missing or not a number."""
    try:
        return max(1, min(90, bounded_int(request.query.get("days", str(default)))))
    except ValueError:
        return default


def path_id(request: web.Request, name: str) -> int | None:
    """The numeric id in the URL's `{name}` part; None when it is no bounded number (the
    page answers 404)."""
    try:
        return bounded_int(request.match_info[name])
    except ValueError:
        return None


def mask_phone(phone: str | None, session: Session | None) -> str:
    """The full number for admins; agents see only the last 4 digits."""
    if not phone:
        return "–"
    if session is not None and session.admin:
        return phone
    return "•••• " + phone[-4:]


def helpers(t: Translator) -> dict[str, Any]:
    """What every template gets besides its own values."""

    def when(moment: datetime | None) -> str:
        if moment is None:
            return "–"
        return t.local(moment).strftime("%d-%m-%Y %H:%M") + " WIB"

    def waited(seconds: int | None) -> str:
        if seconds is None:
            return t._("answered")
        hours, minutes = divmod(seconds // 60, 60)
        if hours >= 24:
            days = hours // 24
            return t.ngettext("{n} day", "{n} days", days).format(n=days)
        if hours:
            return t._("{h} h {m} min").format(h=hours, m=minutes)
        return t._("{m} min").format(m=minutes)

    return {
        "_": t._,
        "ngettext": t.ngettext,
        "t": t,
        "lang": t.locale,
        "when": when,
        "waited": waited,
        "number": t.number,
        **labels.helpers(t),
    }


def html(
    env: Environment,
    request: web.Request,
    name: str,
    status: int = 200,
    session: Session | None = None,
    **values: Any,
) -> web.Response:
    """Renders a page with the operator's language and the session's CSRF token."""
    t = translator(request)
    text = env.get_template(name).render(
        **helpers(t),
        session=session,
        csrf=session.csrf if session else values.pop("csrf", ""),
        path=request.path,
        mask=lambda phone: mask_phone(phone, session),
        **values,
    )
    response = web.Response(text=text, status=status, content_type="text/html")
    response.headers.update(SECURITY_HEADERS)
    return response
