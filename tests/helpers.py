"""Factories for incoming messages and a small driver that chats with the engine."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import datetime
from pathlib import Path

from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Incoming, InputKind, Reply
from tests.fakes.bot_api import TOKEN

WIB_START = datetime.fromisoformat("2021-11-20T10:00:00+07:00")


def make_text(text: str, user: str = "u1", at: datetime = WIB_START, **extra: object) -> Incoming:
    """A text message from `user`."""
    return Incoming(channel="test", user_id=user, chat_id=user, at=at, text=text, **extra)  # type: ignore[arg-type]


def make_choice(option_id: str, user: str = "u1", at: datetime = WIB_START) -> Incoming:
    """A button press from `user`."""
    return Incoming(
        channel="test", user_id=user, chat_id=user, at=at, kind=InputKind.CHOICE, choice=option_id
    )


class Chat:
    """One participant talking to the engine, keeping the last replies for assertions."""

    def __init__(self, engine: Engine, clock: FakeClock, user: str = "u1") -> None:
        self.engine = engine
        self.clock = clock
        self.user = user
        self.replies: list[Reply] = []

    async def send(self, text: str) -> list[Reply]:
        self.replies = await self.engine.handle(make_text(text, self.user, self.clock.now()))
        return self.replies

    async def press(self, option_id: str) -> list[Reply]:
        offered = [o.id for r in self.replies for o in r.options]
        assert option_id in offered, f"{option_id} not offered; offered: {offered}"
        self.replies = await self.engine.handle(
            make_choice(option_id, self.user, self.clock.now())
        )
        return self.replies

    async def press_any(self, option_id: str) -> list[Reply]:
        """Presses a button even if the last replies did not offer it (an old menu)."""
        self.replies = await self.engine.handle(
            make_choice(option_id, self.user, self.clock.now())
        )
        return self.replies

    @property
    def text(self) -> str:
        """All the last replies' texts, joined."""
        return "\n".join(r.text for r in self.replies)

    @property
    def option_ids(self) -> list[str]:
        return [o.id for r in self.replies for o in r.options]


def free_port() -> int:
    """A loopback port nobody listens on right now (for a bot started in a test)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BOT = Path(sys.executable).with_name("prakerja-bot")


async def start_bot(
    path: Path, base_url: str, settings: dict[str, str], stderr: int | None
) -> asyncio.subprocess.Process:
    """`prakerja-bot run` on the SQLite file `path` against a fake Bot API at `base_url`,
    with a free web port, errors-only logs and these `settings` (environment variables)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "WEB_LISTEN": f"127.0.0.1:{free_port()}",
        "LOG_LEVEL": "ERROR",
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        str(BOT), "run", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=stderr
    )
