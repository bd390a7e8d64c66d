"""The WhatsApp channel on the WhatsApp Business Cloud API (webhook, rendering, sender)."""

from __future__ import annotations

from aiohttp import web

from bot.channels.whatsapp.sender import WhatsAppConfig, WhatsAppSender
from bot.channels.whatsapp.webhook import WhatsAppService

__all__ = ["WhatsAppConfig", "WhatsAppSender", "WhatsAppService", "whatsapp_routes"]


def whatsapp_routes(service: WhatsAppService) -> list[web.RouteDef]:
    """`GET /whatsapp` (verification) and `POST /whatsapp` (deliveries) for the one web app."""
    return service.routes()
