"""Building the WhatsApp channel from the settings, for `prakerja-bot run`.

whatsapp = build_whatsapp(settings, engine, store, clock)
routes += whatsapp_routes(whatsapp)          # GET/POST /whatsapp on the one web app
senders["whatsapp"] = whatsapp.sender        # for the outbox delivery worker
...
await whatsapp.close()                       # on shutdown, before the store closes
"""

from __future__ import annotations

from datetime import timedelta

from bot.channels.whatsapp.media import MediaReader
from bot.channels.whatsapp.sender import WhatsAppConfig, WhatsAppSender
from bot.channels.whatsapp.tier import TemplateTier
from bot.channels.whatsapp.webhook import WhatsAppService
from bot.conversation.engine import Engine
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.storage.roles import AppStore
from bot.vision import Reader

# Meta retries a webhook delivery for a few days at most; processed ids older than this go.
KEEP_PROCESSED_IDS = timedelta(days=14)


def build_whatsapp(
    settings: Settings,
    engine: Engine,
    store: AppStore,
    clock: Clock,
    reader: Reader | None = None,
) -> WhatsAppService:
    """The webhook service and its sender (requires `settings.whatsapp_enabled`)."""
    assert settings.whatsapp_app_secret is not None
    assert settings.whatsapp_verify_token is not None
    config = WhatsAppConfig.from_settings(settings)
    sender = WhatsAppSender(config, store, clock)
    sender.tier = TemplateTier(settings.whatsapp_tier)
    pictures = None
    if reader is not None:
        pictures = MediaReader(sender.client, config.base_url, config.token, reader)
    return WhatsAppService(
        engine,
        store,
        clock,
        sender,
        app_secret=settings.whatsapp_app_secret.get_secret_value(),
        verify_token=settings.whatsapp_verify_token.get_secret_value(),
        pictures=pictures,
    )


async def housekeeping(store: AppStore, clock: Clock) -> int:
    """Forgets old processed message ids; returns how many."""
    return await store.whatsapp_prune_inbound(clock.now() - KEEP_PROCESSED_IDS)
