"""The WhatsApp webhook: Meta's verification handshake, signed deliveries, and what each
message and status does.

`GET /whatsapp` echoes `hub.challenge` when `hub.verify_token` matches. `POST /whatsapp` checks
`X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret, compared in constant
time) before reading anything, answers 200 at once, and processes in the background: messages
of one participant strictly in arrival order, different participants concurrently. A message id
already processed (Meta retries) is ignored.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from aiohttp import web

from bot.channels.outage import Outage, apology
from bot.channels.whatsapp.inbound import (
    InboundMessage,
    NumberChange,
    StatusUpdate,
    WebhookBatch,
    parse_webhook,
)
from bot.channels.whatsapp.media import MediaReader
from bot.channels.whatsapp.sender import (
    CHANNEL,
    PAIR_RATE,
    RATE_PAUSE_SECONDS,
    REENGAGEMENT,
    THROUGHPUT,
    UNDELIVERABLE,
    WhatsAppSender,
)
from bot.conversation.engine import Engine
from bot.core.clock import Clock
from bot.core.domain import Incoming, InputKind, Reply
from bot.core.i18n import Translator
from bot.core.outbound import Delivery, Outcome
from bot.core.wire import BadInput, parse_json, same_secret
from bot.outbox.notices import REPLY_KIND, REPLY_RETRY_SECONDS
from bot.storage.retry import is_outage, retry_busy
from bot.storage.roles import InboundStore
from handlers.reply_later import payload_of

log = logging.getLogger(__name__)

PATH = "/whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"
_REKEYED_CACHE = 10_000

Sleep = Callable[[float], Awaitable[None]]


def signature(app_secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` value Meta sends for `body`."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_ok(app_secret: str, body: bytes, header: str) -> bool:
    """True if `header` signs exactly `body` (constant-time comparison)."""
    return same_secret(header, signature(app_secret, body))


class WhatsAppService:
    """Turns webhook deliveries into engine calls and replies, and statuses into outbox state."""

    def __init__(
        self,
        engine: Engine,
        store: InboundStore,
        clock: Clock,
        sender: WhatsAppSender,
        *,
        app_secret: str,
        verify_token: str,
        sleep: Sleep = asyncio.sleep,
        pictures: MediaReader | None = None,
    ) -> None:
        self.engine = engine
        self.pictures = pictures  # reads images; None: an image is "please type"
        self.store = store
        self.clock = clock
        self.sender = sender
        self._secret = app_secret
        self._verify_token = verify_token
        self._sleep = sleep
        self._tasks: set[asyncio.Task[None]] = set()
        self._tails: dict[str, asyncio.Task[None]] = {}
        # Ids already re-keyed in this process (a cache: the store is the truth), bounded.
        self._rekeyed: OrderedDict[str, None] = OrderedDict()
        self.outage = Outage(clock, sleep)
        self.processed = 0  # messages handled (not counting duplicates), for tests and logs
        self.duplicates = 0

    def routes(self) -> list[web.RouteDef]:
        return [web.get(PATH, self.verify), web.post(PATH, self.receive)]

    # HTTP -----------------------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription handshake: echo the challenge if the verify token matches."""
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and same_secret(token, self._verify_token):
            return web.Response(text=query.get("hub.challenge", ""), content_type="text/plain")
        log.warning("whatsapp webhook verification refused")
        return web.Response(status=403, text="forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        """A signed delivery: checked, acknowledged at once, processed in the background."""
        body = await request.read()
        header = request.headers.get(SIGNATURE_HEADER)
        if not header:
            log.warning("whatsapp webhook without signature refused")
            return web.Response(status=401, text="missing signature")
        if not signature_ok(self._secret, body, header):
            log.warning("whatsapp webhook with a wrong signature refused")
            return web.Response(status=403, text="bad signature")
        try:
            payload = parse_json(body)
        except BadInput:  # signed but unreadable: Meta would retry it for days
            log.warning("whatsapp webhook: signed body is not JSON; ignored")
            return web.Response(text="ok")
        self.dispatch(parse_webhook(payload))
        return web.Response(text="ok")

    # background -----------------------------------------------------------------------------

    def _spawn(self, work: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def dispatch(self, batch: WebhookBatch) -> None:
        """Schedules a batch: each participant's messages in order, statuses alongside."""
        for change in batch.number_changes:
            key = change.old_ids[0]
            task = self._spawn(self._changed(self._tails.get(key), change))
            self._tails[key] = task
            task.add_done_callback(functools.partial(self._forget, key))
        for message in batch.messages:
            key = message.user_id
            task = self._spawn(self._after(self._tails.get(key), message))
            self._tails[key] = task
            task.add_done_callback(functools.partial(self._forget, key))
        if batch.statuses:
            self._spawn(self._statuses(batch.statuses))

    def _forget(self, key: str, task: asyncio.Task[None]) -> None:
        if self._tails.get(key) is task:
            del self._tails[key]

    async def _after(self, previous: asyncio.Task[None] | None, message: InboundMessage) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        try:
            await self.handle_message(message)
            self.outage.done(message.wamid)
        except Exception as exc:
            if is_outage(exc):
                await self._hold(message)
            else:
                log.exception("whatsapp message %s failed", message.wamid)

    async def _hold(self, message: InboundMessage) -> None:
        """The database could not be written: one apology, the message handled again later."""
        log.warning("whatsapp message %s held: the database cannot be written", message.wamid)

        async def again() -> None:
            self.dispatch(WebhookBatch(messages=[message]))

        if not self.outage.hold(message.wamid, again):
            log.error("whatsapp message %s lost: too many held already", message.wamid)
        if self.outage.apology_due(message.user_id):
            t = Translator(self.engine.default_locale, "Asia/Jakarta")
            await self.sender.reply(message.chat_id, [Reply(apology(t))], t.locale)

    async def _changed(self, previous: asyncio.Task[None] | None, change: NumberChange) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        try:
            moved = await self.store.whatsapp_change_number(
                change.old_ids, change.new_wa_id, change.new_user_id
            )
            log.info("whatsapp number change %s: %d participant(s) moved", change.wamid, moved)
        except Exception:
            log.exception("whatsapp number change %s failed", change.wamid)

    async def _statuses(self, statuses: list[StatusUpdate]) -> None:
        for status in statuses:
            try:
                await self.handle_status(status)
            except Exception:
                log.exception("whatsapp status for %s failed", status.wamid)

    async def drain(self) -> None:
        """Waits until every scheduled message and status has been processed."""
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def close(self) -> None:
        """Finishes what was scheduled, then closes the HTTP client."""
        await self.drain()
        await self.outage.close()
        await self.sender.close()

    # one message ----------------------------------------------------------------------------

    async def handle_message(self, message: InboundMessage) -> None:
        """Runs one participant message through the engine and sends the replies back.

        The message id is claimed first, so Meta's retries are never answered twice. The price:
        a crash between the claim and the reply loses that one message (the participant sees
        no answer and writes again); answering twice was judged worse for anxious users."""
        if message.bsuid is None and message.wa_id:
            # Known by their business-scoped id, now writing with only their number: the same
            # participant, not a second one.
            known = await self.store.whatsapp_resolve_user(message.wa_id)
            if known is not None and known != message.user_id:
                message = replace(message, user_id=known, bsuid=known)
        claimed = await retry_busy(
            lambda: self.store.whatsapp_claim_inbound(
                message.wamid, self.clock.now(), message.user_id
            ),
            what="whatsapp message claim",
        )
        if not claimed and not self.outage.handed_back(message.wamid):
            self.duplicates += 1
            log.info("whatsapp message %s already processed; ignored", message.wamid)
            return
        if message.bsuid and message.wa_id and message.bsuid not in self._rekeyed:
            # First message with a business-scoped id from someone known by phone: move them.
            if await self.store.whatsapp_rekey(message.wa_id, message.bsuid):
                log.info("whatsapp participant re-keyed to their business-scoped id")
            self._rekeyed[message.bsuid] = None
            if len(self._rekeyed) > _REKEYED_CACHE:
                self._rekeyed.popitem(last=False)
        replies = await self.engine.handle(await self._incoming(message))
        self.processed += 1
        participant = await self.store.get_participant(CHANNEL, message.user_id)
        if participant is not None and message.phone:
            await self.store.whatsapp_remember_phone(message.user_id, message.phone)
        if not replies:
            return
        locale = participant.locale if participant is not None else self.engine.default_locale
        delivery = await self.sender.reply(message.chat_id, replies, locale)
        if delivery.error:
            log.warning(
                "whatsapp reply to participant %s: %s",
                participant.id if participant else None,
                delivery.error,
            )
        if delivery.outcome in (Outcome.RETRY_AFTER, Outcome.TRANSIENT) and participant:
            await self._keep_for_later(message.wamid, participant.id, replies, locale, delivery)

    async def _incoming(self, message: InboundMessage) -> Incoming:
        """The message for the engine; an image is fetched and read first."""
        if message.kind != InputKind.IMAGE or message.media_id is None:
            return message.incoming()
        if self.pictures is None:
            return replace(message.incoming(), kind=InputKind.UNSUPPORTED, text="", media="photo")
        return message.incoming(await self.pictures.read(message.media_id))

    async def _keep_for_later(
        self,
        wamid: str,
        participant_id: int | None,
        replies: list[Reply],
        locale: str,
        delivery: Delivery,
    ) -> None:
        """What of a reply still could not go out after its retries (rate limits, server
        errors) goes to the outbox as kind "reply", from the first reply not wholly sent."""
        sent, left = len(delivery.message_ids), list(replies)
        for reply in replies:
            parts = len(self.sender.session_bodies([reply], locale))
            if sent < parts:
                break
            sent -= parts
            left.pop(0)
        if not left or participant_id is None:
            return
        now = self.clock.now()
        wait = timedelta(seconds=delivery.retry_after or REPLY_RETRY_SECONDS)
        await retry_busy(
            lambda: self.store.enqueue(
                participant_id,
                REPLY_KIND,
                now + wait,
                payload_of(left),
                f"reply:{CHANNEL}:{wamid}",
                now=now,
            ),
            what="whatsapp reply kept for later",
        )
        log.warning("whatsapp reply: %d message(s) kept in the outbox", len(left))

    # one status -----------------------------------------------------------------------------

    async def handle_status(self, status: StatusUpdate) -> None:
        """Records a delivery status; a failure WhatsApp reports later acts on the outbox row:
        window closed → again as a template; rate limits → again after a pause;
        undeliverable → participant unreachable."""
        now = self.clock.now()
        if not await self.store.whatsapp_known(status.wamid):
            # Not an outbox row's message (a direct reply): only an undeliverable number acts.
            if status.status == "failed" and status.error_code == UNDELIVERABLE:
                await self.store.whatsapp_mark_unreachable(status.recipient, None)
            return
        if not await self.store.claim_status(
            status.wamid, status.status, status.at, status.recipient or None, now
        ):
            log.info("whatsapp status %s of %s already applied", status.status, status.wamid)
            return
        sent = await self.store.whatsapp_record_status(
            status.wamid, status.status, now, status.error_code, status.error_title
        )
        if status.status != "failed":
            return
        code = status.error_code
        error = f"whatsapp {code}: {status.error_title or ''}".strip()
        outbox_id = sent.outbox_id if sent is not None else None
        log.warning("whatsapp message for outbox row %s failed: %s", outbox_id, code)
        if code == UNDELIVERABLE:
            await self.store.whatsapp_mark_unreachable(status.recipient, outbox_id)
            return
        if outbox_id is None:
            return
        if code == REENGAGEMENT:
            await self._requeue(outbox_id, timedelta(0), error, as_template=True)
        elif code in (THROUGHPUT, PAIR_RATE):
            await self._requeue(outbox_id, timedelta(seconds=RATE_PAUSE_SECONDS[code]), error)
        else:
            await self.store.whatsapp_fail_row(outbox_id, error)

    async def _requeue(
        self, outbox_id: int, delay: timedelta, error: str, *, as_template: bool = False
    ) -> None:
        # The worker may not have written the row as sent yet: wait for it a little.
        for _ in range(10):
            state = await self.store.whatsapp_requeue(
                outbox_id, self.clock.now() + delay, error, as_template=as_template
            )
            if state != "sending":
                return
            await self._sleep(0.5)
        log.warning("outbox row %s still sending; status %s not applied", outbox_id, error)
