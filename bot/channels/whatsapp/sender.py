"""Sending through the WhatsApp Cloud API (`POST /{phone-number-id}/messages`) with httpx.

`send` is the outbox's `Sender`: inside the participant's 24-hour customer-service window it
sends the rendered replies as session messages; outside it (or when told to) it sends the
configured pre-approved template. `reply` answers a message the participant just sent (always
inside the window). Meta's answers become an `Outcome`; nothing here raises.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx

from bot.channels.whatsapp.render import Body, Labels, render, shorten, template_message
from bot.channels.whatsapp.tier import TemplateTier
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.domain import Reply
from bot.core.i18n import Translator
from bot.core.outbound import Delivery, Outbound, Outcome, Template
from bot.outbox.pacing import REPLY, Pacer
from bot.storage.whatsapp import Window

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
# Meta's window is 24 hours from the participant's last message; keep a little margin so a
# session message never races the window's end.
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=5)

# Meta error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
REENGAGEMENT = 131047  # more than 24 hours since the participant's last message
THROUGHPUT = 130429  # the phone number's messages-per-second limit
PAIR_RATE = 131056  # too many messages to the same participant in a short time
UNDELIVERABLE = 131026  # not on WhatsApp, old app, blocked the business, …
RATE_PAUSE_SECONDS = {THROUGHPUT: 1.0, PAIR_RATE: 6.0, 4: 60.0, 80007: 60.0}  # code → pause (s)
_TRANSIENT_CODES = {1, 2, 131000, 131016, 133004}

FALLBACK_PARAM_MAX = 800

_BSUID = re.compile(r"^[A-Z]{2}\.[A-Za-z0-9.]+$")


class WindowStore(Protocol):
    """What the sender needs from the store."""

    async def whatsapp_window(self, chat_id: str, outbox_id: int | None = None) -> Window: ...

    async def whatsapp_outbox_recipients(self, since: datetime) -> list[tuple[str, datetime]]: ...

    async def whatsapp_record_sent(
        self,
        wamids: Sequence[str],
        outbox_id: int | None,
        now: datetime,
        recipient: str | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class WhatsAppConfig:
    """The Cloud API account and the template configuration."""

    token: str
    phone_number_id: str
    base_url: str
    rate: float = 80.0
    templates: Mapping[str, str] = field(default_factory=dict)
    template_language: str = "id"
    default_template: str = "prakerja_update"
    template_button: str | None = "menu:show"

    @classmethod
    def from_settings(cls, settings: Settings) -> WhatsAppConfig:
        assert settings.whatsapp_token is not None
        assert settings.whatsapp_phone_number_id is not None
        return cls(
            token=settings.whatsapp_token.get_secret_value(),
            phone_number_id=settings.whatsapp_phone_number_id,
            base_url=settings.whatsapp_api_base_url,
            rate=settings.whatsapp_rate,
            templates=dict(settings.whatsapp_templates),
            template_language=settings.whatsapp_template_language,
            default_template=settings.whatsapp_default_template,
            template_button=settings.whatsapp_template_button or None,
        )


def labels(locale: str) -> Labels:
    """The renderer's own words in the participant's language."""
    t = Translator(locale, "Asia/Jakarta")
    return Labels(button=t._("Choose"), more=t._("More choices ({page}/{pages})"))


def in_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    """True while a session (free-form) message is allowed."""
    return last_inbound_at is not None and now < last_inbound_at + WINDOW - WINDOW_MARGIN


def outcome_for(status: int, payload: Any, retry_after: str | None = None) -> Delivery:
    """Maps a Cloud API error answer to what the outbox should do."""
    error = payload.get("error") if isinstance(payload, Mapping) else None
    error = error if isinstance(error, Mapping) else {}
    code = error.get("code")
    code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
    text = f"{code or status} {error.get('message') or ''}".strip()
    if code == REENGAGEMENT:
        return Delivery(Outcome.NEEDS_TEMPLATE, error=text)
    if code in RATE_PAUSE_SECONDS or (code is None and status == 429):
        pause = RATE_PAUSE_SECONDS.get(code or 0, 1.0)
        if retry_after and retry_after.isdigit():
            pause = max(pause, float(retry_after))
        return Delivery(Outcome.RETRY_AFTER, retry_after=pause, error=text)
    if code == UNDELIVERABLE:
        return Delivery(Outcome.UNREACHABLE, error=text)
    if status >= 500 or code in _TRANSIENT_CODES:
        return Delivery(Outcome.TRANSIENT, error=text)
    return Delivery(Outcome.PERMANENT, error=text)


class WhatsAppSender:
    """The WhatsApp `Sender`: session messages inside the window, templates outside it."""

    channel = CHANNEL

    def __init__(
        self,
        config: WhatsAppConfig,
        store: WindowStore,
        clock: Clock,
        client: httpx.AsyncClient | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        reply_attempts: int = 3,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self.reply_attempts = reply_attempts
        self.store = store
        self.clock = clock
        self.rate = config.rate  # messages per second, for the outbox worker's limiter
        self.pacer: Pacer | None = None  # shared with the outbox worker (set by the runner)
        self.tier: TemplateTier | None = None  # WhatsApp's daily limit (set by the runtime)
        self._tier_seeded = False
        self._own_client = client is None
        self.client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(15.0, connect=5.0),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=100),
        )
        self._url = f"{config.base_url}/{config.phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {config.token}"}

    async def close(self) -> None:
        if self._own_client:
            await self.client.aclose()

    # choosing -------------------------------------------------------------------------------

    def template_for(self, message: Outbound) -> Body:
        """The template message for an outbox message: the notice's template (its name mapped
        through WHATSAPP_TEMPLATES), else the configured one for the kind, else the default
        template with the message text as {{1}}."""
        kind = message.extra.get("kind", "")
        names = self.config.templates
        by_kind = names.get(kind) or names.get(kind.split(".", 1)[0])
        template: Template | None = message.template
        if template is not None:
            name = names.get(template.name) or by_kind or template.name
            params: Sequence[str] = template.params
        else:
            name = by_kind or self.config.default_template
            # The whole text as {{1}}: kept well under the template body's 1,024 characters.
            params = (shorten("\n".join(r.text for r in message.replies), FALLBACK_PARAM_MAX),)
        return template_message(
            name, self.config.template_language, params, self.config.template_button
        )

    async def admit(self, message: Outbound) -> datetime | None:
        """None when the outbox message may go now; else the moment WhatsApp's daily limit
        (`tier`) has a slot for the template it needs (outside the participant's window)."""
        if self.tier is None:
            return None
        if not self._tier_seeded:  # what this number sent before the process started
            since = self.clock.now() - self.tier.window
            self.tier.seed(await self.store.whatsapp_outbox_recipients(since))
            self._tier_seeded = True
        if not message.force_template:
            raw_id = message.extra.get("outbox_id", "")
            outbox_id = int(raw_id) if raw_id.isdigit() else None
            window = await self.store.whatsapp_window(message.chat_id, outbox_id)
            if not window.force_template and in_window(window.last_inbound_at, self.clock.now()):
                return None  # a session message: not a new conversation
        return self.tier.admit(message.chat_id, self.clock.now())

    async def send(self, message: Outbound) -> Delivery:
        """Sends an outbox message, as a template when the 24-hour window is closed."""
        raw_id = message.extra.get("outbox_id", "")
        outbox_id = int(raw_id) if raw_id.isdigit() else None
        window = await self.store.whatsapp_window(message.chat_id, outbox_id)
        now = self.clock.now()
        if (
            message.force_template
            or window.force_template
            or not in_window(window.last_inbound_at, now)
        ):
            bodies = [self.template_for(message)]
        else:
            bodies = self.session_bodies(message.replies, message.locale)
        return await self.post_all(message.chat_id, bodies, outbox_id)

    async def reply(self, chat_id: str, replies: Sequence[Reply], locale: str) -> Delivery:
        """Answers the participant's message (inside the window by definition). Replies do not
        go through the outbox, so a rate limit or a server error is waited out here, a few
        times, resending only what did not go yet."""
        bodies = self.session_bodies(replies, locale)
        sent: tuple[str, ...] = ()
        for attempt in range(1, self.reply_attempts + 1):
            delivery = await self.post_all(chat_id, bodies[len(sent) :], None, priority=REPLY)
            sent += delivery.message_ids
            if delivery.outcome == Outcome.SENT:
                return Delivery(Outcome.SENT, message_ids=sent)
            if delivery.outcome not in (Outcome.RETRY_AFTER, Outcome.TRANSIENT):
                break
            if attempt < self.reply_attempts:
                await self._sleep(delivery.retry_after or float(attempt))
        return Delivery(delivery.outcome, delivery.retry_after, delivery.error, message_ids=sent)

    def session_bodies(self, replies: Sequence[Reply], locale: str) -> list[Body]:
        words = labels(locale)
        return [body for reply in replies for body in render(reply, words)]

    # sending --------------------------------------------------------------------------------

    def _envelope(self, chat_id: str, body: Body) -> dict[str, Any]:
        recipient = "recipient" if _BSUID.match(chat_id) else "to"
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            recipient: chat_id,
            **body,
        }

    async def post(self, chat_id: str, body: Body) -> tuple[str | None, Delivery | None]:
        """One API call: (message id, None) on success, (None, failure) otherwise."""
        try:
            response = await self.client.post(
                self._url, json=self._envelope(chat_id, body), headers=self._headers
            )
        except httpx.HTTPError as exc:
            return None, Delivery(Outcome.TRANSIENT, error=f"network: {type(exc).__name__}")
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.is_success:
            messages = payload.get("messages") if isinstance(payload, Mapping) else None
            if messages and isinstance(messages[0], Mapping) and messages[0].get("id"):
                return str(messages[0]["id"]), None
            return None, Delivery(Outcome.TRANSIENT, error="no message id in the answer")
        return None, outcome_for(
            response.status_code, payload, response.headers.get("Retry-After")
        )

    async def post_all(
        self,
        chat_id: str,
        bodies: Sequence[Body],
        outbox_id: int | None,
        *,
        priority: int | None = None,
    ) -> Delivery:
        """Sends the bodies in order, stopping at the first failure. With `priority` (a
        reply), each body waits for the channel's shared pacer first (bot/outbox/pacing.py)."""
        sent: list[str] = []
        failure: Delivery | None = None
        for body in bodies:
            if priority is not None and self.pacer is not None:
                await self.pacer.turn(chat_id, priority)
            wamid, failure = await self.post(chat_id, body)
            if failure is not None:
                if failure.outcome == Outcome.RETRY_AFTER and self.pacer is not None:
                    self.pacer.pause(failure.retry_after or 1.0)
                break
            assert wamid is not None
            sent.append(wamid)
        if sent and outbox_id is not None:
            # Only outbox rows need their message ids (statuses act on the row); a direct
            # reply's ids are not kept: after /hapus its goodbye must leave no row behind.
            await self.store.whatsapp_record_sent(sent, outbox_id, self.clock.now(), chat_id)
        if failure is not None:
            log.warning(
                "whatsapp send to outbox row %s failed after %d of %d: %s",
                outbox_id,
                len(sent),
                len(bodies),
                failure.error,
            )
            return Delivery(
                failure.outcome, failure.retry_after, failure.error, message_ids=tuple(sent)
            )
        return Delivery(Outcome.SENT, message_ids=tuple(sent))
