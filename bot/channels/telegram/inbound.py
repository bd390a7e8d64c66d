"""Telegram updates in, domain messages to the engine, replies back out.

First, for every update (group -1, `on_any`): an update of a shape the bot does not handle
(edited_message, business_message, channel posts, a message without `from` in a private chat,
any update type Telegram adds later) is ignored with one WARNING line of ids; an `update_id`
already processed (Telegram's retry, or a re-fetch after a restart) is ignored too (claimed
in the store, pruned after a day).

Then, in order (the first that matches wins; order matters!):
1. my_chat_member: the participant blocked (kicked) or unblocked the bot.
2. anything from a group, supergroup or channel: answer once that the bot is private-only.
3. callback queries (inline buttons): answered at once, then routed as a CHOICE.
4. a shared contact: CONTACT with the phone number (only the sender's own contact).
5. text (commands included): TEXT.
6. a photo or image document: read (bot/channels/telegram/pictures.py, bot/vision), IMAGE.
7. any other message (sticker, voice, location, …): UNSUPPORTED, with what it was.
A forwarded message is marked `forwarded` (checked against the official channels).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.outage import Outage, apology
from bot.channels.telegram.content import incoming, light_incoming, media_of, whose
from bot.channels.telegram.light import LightUpdate
from bot.channels.telegram.ordering import OrderedUpdateProcessor
from bot.channels.telegram.pictures import read_picture
from bot.channels.telegram.render import CallbackIds
from bot.channels.telegram.sender import CHANNEL, TelegramSender
from bot.channels.telegram.shape import unhandled
from bot.channels.telegram.webhook import WebhookAnswers
from bot.conversation.engine import Engine, pick_locale
from bot.core.clock import Clock
from bot.core.domain import Incoming, InputKind, Reply
from bot.core.i18n import N_, Translator
from bot.core.outbound import Delivery, Outbound, Outcome
from bot.outbox.notices import REPLY_KIND, REPLY_RETRY_SECONDS
from bot.storage.base import Store
from bot.storage.retry import is_outage, retry_busy
from bot.vision import Reader
from handlers.reply_later import payload_of

log = logging.getLogger(__name__)

PRIVATE_ONLY = N_(
    "I only work in a private chat. Open a chat with me and send /start there. "
    "Please don't share personal data in a group."
)

# Update types the bot asks Telegram for (polling and webhook alike).
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]

Context = ContextTypes.DEFAULT_TYPE


class TelegramChannel:
    """Turns updates into `Incoming`, calls the engine, and sends the replies."""

    def __init__(
        self,
        engine: Engine,
        store: Store,
        clock: Clock,
        sender: TelegramSender,
        *,
        default_locale: str = "id",
        answers: WebhookAnswers | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.engine = engine
        self.reader = reader  # reads photos; None: a photo is "please type"
        self.store = store
        self.clock = clock
        self.sender = sender
        self.ids: CallbackIds = sender.ids
        self.default_locale = default_locale
        self.answers = answers  # webhook mode: the last message rides in the webhook answer
        self._told_groups: OrderedDict[int, None] = OrderedDict()
        self.outage = Outage(clock)
        self._queue: asyncio.Queue[object] | None = None

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        """The ordered handler list (see the module docstring)."""
        private = filters.ChatType.PRIVATE
        return [
            ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(~private, self.on_group),
            CallbackQueryHandler(self.on_callback),
            MessageHandler(private & filters.CONTACT, self.on_contact),
            MessageHandler(private & filters.TEXT, self.on_text),
            MessageHandler(private & (filters.PHOTO | filters.Document.IMAGE), self.on_picture),
            MessageHandler(private & ~filters.StatusUpdate.ALL, self.on_unsupported),
        ]

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        application.add_handler(TypeHandler(object, self.on_any), group=-1)
        application.add_handler(TypeHandler(LightUpdate, self.on_light))  # the webhook's
        application.add_handlers(self.handlers())
        application.add_error_handler(self.on_error)
        self._queue = application.update_queue
        processor = application.update_processor
        if isinstance(processor, OrderedUpdateProcessor):
            processor.on_overflow(self.on_overflow)

    # the gate every update passes first -------------------------------------------------------

    async def on_any(self, update: object, context: Context) -> None:
        """Ignores shapes the bot does not handle and updates already processed."""
        if isinstance(update, LightUpdate):  # a shape it handles (bot/channels/telegram/light.py)
            user_id: str | None = str(update.user_id)
        elif not isinstance(update, Update):
            log.warning("telegram: ignored an update of type %s", type(update).__name__)
            raise ApplicationHandlerStop
        elif (reason := unhandled(update)) is not None:
            chat, user = update.effective_chat, update.effective_user
            log.warning(
                "telegram update %s ignored (%s; chat %s, user %s)",
                update.update_id,
                reason,
                chat.id if chat else None,
                user.id if user else None,
            )
            raise ApplicationHandlerStop
        else:
            user_id = str(update.effective_user.id) if update.effective_user else None
        claimed = await retry_busy(
            lambda: self.store.claim_update(
                CHANNEL, str(update.update_id), user_id, self.clock.now()
            ),
            what="update claim",
        )
        if not claimed and not self.outage.handed_back(update.update_id):
            log.info("telegram update %s already processed; ignored", update.update_id)
            raise ApplicationHandlerStop

    # turning updates into domain messages ---------------------------------------------------

    def _incoming(self, update: Update, kind: InputKind, **content: Any) -> Incoming:
        return incoming(update, self.clock.now(), kind, **content)

    async def _answer(self, update: Update | LightUpdate, msg: Incoming) -> None:
        replies = await self.engine.handle(msg)
        self.outage.done(update.update_id)
        locale = self.default_locale
        if any(r.request_contact for r in replies):  # the contact button needs a label
            participant = await self.store.get_participant(CHANNEL, msg.user_id)
            locale = participant.locale if participant else locale
        slot = self.answers.slot(update) if self.answers is not None else None
        outbound = Outbound(msg.chat_id, tuple(replies), locale=locale)
        delivery = await self.sender.send(outbound, answer=slot, reply=True)
        if delivery.outcome == Outcome.UNREACHABLE:
            await self.store.set_unreachable(CHANNEL, msg.user_id, True)
        elif delivery.outcome != Outcome.SENT:
            await self._keep_for_later(update, msg, outbound, delivery)

    async def _keep_for_later(
        self, update: Update | LightUpdate, msg: Incoming, outbound: Outbound, delivery: Delivery
    ) -> None:
        """The part of a reply that still could not go out after its retries goes to the
        outbox (kind "reply"), from the first reply not wholly sent; never dropped."""
        sent, left = len(delivery.message_ids), list(outbound.replies)
        for group in self.sender.parts(outbound):
            if sent < len(group):
                break
            sent -= len(group)
            left.pop(0)
        participant = await self.store.get_participant(CHANNEL, msg.user_id)
        if not left or participant is None or participant.id is None:
            log.warning("reply to user %s not sent: %s", msg.user_id, delivery.outcome.value)
            return
        wait = timedelta(seconds=delivery.retry_after or REPLY_RETRY_SECONDS)
        await retry_busy(
            lambda: self.store.enqueue(
                participant.id,  # type: ignore[arg-type]
                REPLY_KIND,
                self.clock.now() + wait,
                payload_of(left),
                f"reply:{CHANNEL}:{update.update_id}",
                now=self.clock.now(),
            ),
            what="reply kept for later",
        )
        log.warning(
            "reply to user %s: %d message(s) kept in the outbox (%s)",
            msg.user_id,
            len(left),
            delivery.outcome.value,
        )

    # the handlers ------------------------------------------------------------------------------

    async def on_light(self, update: LightUpdate, context: Context) -> None:
        """A private text message (TEXT) or button (CHOICE) read straight from the webhook's
        JSON: the same as `on_text` and `on_callback` do with python-telegram-bot's objects."""
        if update.query_id is None:
            await self._answer(update, light_incoming(update, self.clock.now(), InputKind.TEXT))
            return
        answering = asyncio.create_task(self.sender.answer_query(update.query_id))
        try:
            choice = self.ids.decode(update.data or "")
            await self._answer(
                update, light_incoming(update, self.clock.now(), InputKind.CHOICE, choice)
            )
        finally:
            try:
                await answering
            except Exception:  # an expired query must not turn a handled press into an error
                log.warning("could not answer callback query of user %s", update.user_id)

    async def on_text(self, update: Update, context: Context) -> None:
        """A typed message (or command) goes to the engine as TEXT."""
        assert update.message is not None
        await self._answer(
            update, self._incoming(update, InputKind.TEXT, text=update.message.text or "")
        )

    async def on_callback(self, update: Update, context: Context) -> None:
        """Stops the button's spinner and routes the pressed option id as a CHOICE, both at
        once (the answer's round trip does not delay the reply)."""
        query = update.callback_query
        assert query is not None
        answering = asyncio.create_task(query.answer())
        try:
            chat = update.effective_chat
            if chat is not None and chat.type == ChatType.PRIVATE and query.data is not None:
                choice = self.ids.decode(query.data)
                await self._answer(update, self._incoming(update, InputKind.CHOICE, choice=choice))
        finally:
            try:
                await answering
            except Exception:  # an expired query must not turn a handled press into an error
                log.warning("could not answer callback query of user %s", query.from_user.id)

    async def on_contact(self, update: Update, context: Context) -> None:
        """A shared phone number goes to the engine as CONTACT (only the sender's own)."""
        message, user = update.message, update.effective_user
        assert message is not None and message.contact is not None and user is not None
        contact = message.contact
        if contact.user_id != user.id:
            await self._answer(
                update, self._incoming(update, InputKind.UNSUPPORTED, media="contact")
            )
            return
        await self._answer(
            update,
            self._incoming(
                update,
                InputKind.CONTACT,
                phone=contact.phone_number,
                contact_user_id=str(contact.user_id),
            ),
        )

    async def on_picture(self, update: Update, context: Context) -> None:
        """A photo or image document: read in a worker, then to the engine as IMAGE with its
        caption (without a reader: as UNSUPPORTED)."""
        message = update.effective_message
        assert message is not None
        if self.reader is None:
            await self.on_unsupported(update, context)
            return
        picture = await read_picture(message, self.reader)
        incoming = self._incoming(
            update, InputKind.IMAGE, text=message.caption or "", picture=picture
        )
        await self._answer(update, incoming)

    async def on_unsupported(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice notes, locations…: the engine asks for text (saying what)."""
        message = update.effective_message
        kind = media_of(message) if message is not None else "other"
        await self._answer(update, self._incoming(update, InputKind.UNSUPPORTED, media=kind))

    async def on_overflow(self, update: Update | LightUpdate) -> None:
        """A flood's first dropped message: one short "slow down" instead of an answer to
        each (the messages already queued are still answered, in order)."""
        user_id, chat_id, _ = whose(update)
        if user_id is None or chat_id is None:
            return
        participant = await self.store.get_participant(CHANNEL, user_id)
        locale = participant.locale if participant else self.default_locale
        t = Translator(locale, participant.timezone if participant else "Asia/Jakarta")
        text = t._(
            "Slow down a little 🙏 I answer one message at a time: I'll reply to what you "
            "already sent, no need to send it again."
        )
        outbound = Outbound(chat_id, (Reply(text),), locale=locale)
        delivery = await self.sender.send(outbound, reply=True)
        log.warning("telegram user %s is flooding: %s", user_id, delivery.outcome.value)

    async def on_group(self, update: Update, context: Context) -> None:
        """In a group: say once that the bot works in private chat; keep nothing about anyone."""
        chat = update.effective_chat
        if chat is None or chat.id in self._told_groups:
            return
        self._told_groups[chat.id] = None
        while len(self._told_groups) > 10_000:
            self._told_groups.popitem(last=False)
        user = update.effective_user
        locale = pick_locale(user.language_code if user else None, self.default_locale)
        text = Translator(locale, "Asia/Jakarta")._(PRIVATE_ONLY)
        try:
            await context.bot.send_message(chat.id, html.escape(text), parse_mode=ParseMode.HTML)
        except Exception:
            log.warning("could not answer group chat %s", chat.id)

    async def on_my_chat_member(self, update: Update, context: Context) -> None:
        """Blocked (kicked) in a private chat → unreachable; unblocked → reachable again."""
        change = update.my_chat_member
        assert change is not None
        if change.chat.type != ChatType.PRIVATE:
            return
        status = change.new_chat_member.status
        user_id = str(change.from_user.id)
        if status == ChatMemberStatus.BANNED:
            found = await self.store.set_unreachable(CHANNEL, user_id, True)
            log.info("telegram user %s blocked the bot (known participant: %s)", user_id, found)
        elif status == ChatMemberStatus.MEMBER:
            await self.store.set_unreachable(CHANNEL, user_id, False)

    async def _hold(self, update: Update | LightUpdate) -> None:
        """The database could not be written: one apology, and the update handled again later
        (it is never consumed unanswered, in polling or webhook mode)."""
        queue = self._queue
        user_id, chat_id, language_code = whose(update, private_only=False)
        assert queue is not None
        log.warning("telegram update %s held: the database cannot be written", update.update_id)
        if not self.outage.hold(update.update_id, lambda: queue.put(update)):
            log.error("telegram update %s lost: too many held already", update.update_id)
        if user_id is None or chat_id is None or not self.outage.apology_due(user_id):
            return
        t = Translator(pick_locale(language_code, self.default_locale), "Asia/Jakarta")
        outbound = Outbound(chat_id, (Reply(apology(t)),), locale=t.locale)
        await self.sender.send(outbound, reply=True)

    async def on_error(self, update: object, context: Context) -> None:
        """The one error path: log with the traceback, never the message text; the update's
        claim is released so Telegram's retry of it is handled."""
        update_id = update.update_id if isinstance(update, Update | LightUpdate) else None
        if isinstance(update, Update | LightUpdate) and is_outage(context.error):
            await self._hold(update)
            return
        log.error("error handling update %s", update_id, exc_info=context.error)
        if update_id is not None:
            try:
                await self.store.release_update(CHANNEL, str(update_id))
            except Exception:
                log.warning("could not release update %s", update_id)
