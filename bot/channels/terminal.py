"""The terminal chat (`prakerja-bot chat`): numbered choices; a pasted multi-line message is one
message, as on Telegram and WhatsApp; one message per line when scripted. ("Console" is the
operators' web console, bot/console.)

A paste is recognised two ways: by the terminal's bracketed-paste markers (turned on while the
chat runs, and honoured in scripted input too), and in a terminal without them by the lines
arriving together, within `PASTE_GAP` of each other.
"""

from __future__ import annotations

import asyncio
import os
import select
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TextIO

from bot.conversation.engine import Engine
from bot.core.clock import Clock
from bot.core.domain import Incoming, InputKind, Option, Reply
from bot.core.outbound import Delivery, Outbound, Outcome

CHANNEL = "terminal"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
BRACKETED_ON, BRACKETED_OFF = "\x1b[?2004h", "\x1b[?2004l"
PASTE_GAP = 0.05  # seconds: lines closer together than this were pasted, not typed


class ShownOptions(Protocol):
    """Where the chat keeps the choices it showed last (the store), so that a number typed
    after a restart still picks what the participant saw."""

    async def save_shown_options(
        self, channel: str, user_id: str, options: Sequence[Option], now: datetime
    ) -> None: ...

    async def shown_options(self, channel: str, user_id: str) -> tuple[Option, ...]: ...


def render(reply: Reply) -> str:
    """A reply as terminal text: the message, then its options as numbered lines."""
    lines = [reply.text]
    lines += [f"  {number}. {option.label}" for number, option in enumerate(reply.options, 1)]
    return "\n".join(lines)


def pick(text: str, options: tuple[Option, ...]) -> Option | None:
    """The option a typed line chooses: its number or its label."""
    answer = text.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(options):
        return options[int(answer) - 1]
    return next((o for o in options if o.label.lower() == answer.lower()), None)


def unpaste(text: str) -> str:
    """The message without the paste markers and the final line break."""
    return text.replace(PASTE_START, "").replace(PASTE_END, "").rstrip("\r\n")


class TerminalChannel:
    """Chats with one participant over stdin/stdout through the shared engine."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        user: str,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        *,
        interactive: bool | None = None,
        shown: ShownOptions | None = None,
    ) -> None:
        self.engine = engine
        self.shown = shown
        self.clock = clock
        self.user = user
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self.options: tuple[Option, ...] = ()
        self._showing = asyncio.Lock()  # replies and reminders: kept in the order shown
        self._pending = ""  # read from the terminal but not yet a whole message

    def message(self, text: str) -> Incoming:
        """The domain message for one typed (or pasted) message."""
        base = Incoming(
            channel=CHANNEL, user_id=self.user, chat_id=self.user, at=self.clock.now(), text=text
        )
        chosen = pick(text, self.options) if self.options and "\n" not in text else None
        if chosen is None:
            return base
        return Incoming(
            channel=CHANNEL,
            user_id=self.user,
            chat_id=self.user,
            at=base.at,
            kind=InputKind.CHOICE,
            text=chosen.label,
            choice=chosen.id,
        )

    async def show(self, replies: list[Reply]) -> None:
        """Prints replies; their last choices are what a typed number picks from now on, also
        after a restart (kept in `shown`)."""
        async with self._showing:
            for reply in replies:
                self.stdout.write(render(reply) + "\n\n")
            self.stdout.flush()
            with_options = [r for r in replies if r.options]
            self.options = with_options[-1].options if with_options else ()
            if self.shown is not None:
                await self.shown.save_shown_options(
                    CHANNEL, self.user, self.options, self.clock.now()
                )

    async def _line(self) -> str:
        """One line as the stream gives it ("" at the end of input)."""
        return await asyncio.to_thread(self.stdin.readline)

    async def _lines(self) -> str | None:
        """A scripted message: one line, or a bracketed paste's lines; None at the end."""
        text = await self._line()
        if not text:
            return None
        if PASTE_START in text:
            while PASTE_END not in text and (more := await self._line()):
                text += more
        return unpaste(text)

    def _chunk(self, wait: float | None) -> str | None:
        """What the terminal has for us within `wait` seconds ("" at its end, None: nothing)."""
        fd = self.stdin.fileno()
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return None
        return os.read(fd, 65536).decode("utf-8", "replace")

    def _typed(self) -> str | None:
        """An interactive message: what arrives together (a paste) up to its last line break;
        None at the end of input (Ctrl+D)."""
        text = self._pending
        while True:
            chunk = self._chunk(None if not text.endswith("\n") else PASTE_GAP)
            if chunk is None:  # quiet: the message is complete
                break
            if chunk == "":  # end of input
                if not text:
                    return None
                break
            text += chunk
        if PASTE_END in text:  # a bracketed paste ends at its marker plus a line break
            head, _, tail = text.partition(PASTE_END)
            text, self._pending = head, tail.lstrip("\r\n")
        else:
            self._pending = ""
        return unpaste(text)

    async def _read(self) -> str | None:
        if not self.interactive:
            return await self._lines()
        self.stdout.write("> ")
        self.stdout.flush()
        return await asyncio.to_thread(self._typed)

    async def run(self) -> None:
        """Reads messages until the end of input (Ctrl+D), then says goodbye without error."""
        if self.shown is not None:  # numbers pick from the choices shown before a restart
            self.options = await self.shown.shown_options(CHANNEL, self.user)
        if self.interactive:
            self.stdout.write(BRACKETED_ON)
            await self.show(await self.engine.handle(self.message("halo")))
        try:
            while (text := await self._read()) is not None:
                if text.strip():
                    await self.show(await self.engine.handle(self.message(text)))
        finally:
            if self.interactive:
                self.stdout.write(BRACKETED_OFF + "\n")
                self.stdout.flush()


class TerminalSender:
    """Prints reminders to the terminal chat, numbered like any reply (terminal channel)."""

    channel = CHANNEL

    def __init__(self, chat: TerminalChannel) -> None:
        self.chat = chat

    async def send(self, message: Outbound) -> Delivery:
        if message.chat_id != self.chat.user:
            return Delivery(Outcome.TRANSIENT, error="that terminal user is not connected")
        await self.chat.show(list(message.replies))
        return Delivery(Outcome.SENT, message_ids=(message.extra.get("outbox_id", ""),))
