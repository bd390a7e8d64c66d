"""The terminal channel: numbered choices, one participant message per line when scripted."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.conversation.engine import Engine
from bot.core.clock import Clock
from bot.core.domain import Incoming, InputKind, Option, Reply
from bot.core.outbound import Delivery, Outbound, Outcome

CHANNEL = "console"


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


class ConsoleChannel:
    """Chats with one participant over stdin/stdout through the shared engine."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        user: str,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.user = user
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty()
        self.options: tuple[Option, ...] = ()

    def message(self, text: str) -> Incoming:
        """The domain message for one typed line."""
        base = Incoming(
            channel=CHANNEL, user_id=self.user, chat_id=self.user, at=self.clock.now(), text=text
        )
        chosen = pick(text, self.options) if self.options else None
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

    def show(self, replies: list[Reply]) -> None:
        for reply in replies:
            self.stdout.write(render(reply) + "\n\n")
        self.stdout.flush()
        with_options = [r for r in replies if r.options]
        self.options = with_options[-1].options if with_options else ()

    async def _read(self) -> str | None:
        if self.interactive:
            self.stdout.write("> ")
            self.stdout.flush()
        line = await asyncio.to_thread(self.stdin.readline)
        return line.rstrip("\r\n") if line else None

    async def run(self) -> None:
        """Reads lines until end of input."""
        if self.interactive:
            self.show(await self.engine.handle(self.message("halo")))
        while (line := await self._read()) is not None:
            self.show(await self.engine.handle(self.message(line)))


class ConsoleSender:
    """Prints reminders to the terminal chat, numbered like any reply (console channel)."""

    channel = CHANNEL

    def __init__(self, chat: ConsoleChannel) -> None:
        self.chat = chat

    async def send(self, message: Outbound) -> Delivery:
        if message.chat_id != self.chat.user:
            return Delivery(Outcome.TRANSIENT, error="that terminal user is not connected")
        self.chat.show(list(message.replies))
        return Delivery(Outcome.SENT, message_ids=(message.extra.get("outbox_id", ""),))
