"""The console's whole site: every page module's route table, in one ordered list (the page
modules import bot/console/app.py for `Console` and `page`; nothing imports them back)."""

from __future__ import annotations

from aiohttp import web

from bot.console import (
    audit,
    broadcasts,
    feedback,
    flagged,
    handoffs,
    imports,
    login,
    overview,
    participants,
    replies,
    reports,
    unknown,
)

PAGES = (
    login,
    overview,
    participants,
    handoffs,
    replies,
    broadcasts,
    imports,
    reports,
    audit,
    unknown,
    feedback,
    flagged,
)


def routes() -> list[web.AbstractRouteDef]:
    """Every console route, under /console/ (each module's table)."""
    return [route for module in PAGES for route in module.ROUTES]
