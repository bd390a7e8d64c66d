"""The terminal chat's sender: reminders appear in the chat, numbered like any reply."""

from __future__ import annotations

import io

from bot.channels.console import ConsoleChannel, ConsoleSender
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Option, Reply
from bot.core.outbound import Outbound, Outcome


async def test_prints_to_its_own_user_only(engine: Engine, clock: FakeClock) -> None:
    out = io.StringIO()
    chat = ConsoleChannel(engine, clock, "budi", stdin=io.StringIO(), stdout=out)
    sender = ConsoleSender(chat)
    reply = Reply("⏰ Pengingat", (Option("purchase:done", "Aku sudah beli"),))
    delivered = await sender.send(Outbound("budi", (reply,), extra={"outbox_id": "7"}))
    assert delivered.outcome == Outcome.SENT and delivered.message_ids == ("7",)
    assert "⏰ Pengingat\n  1. Aku sudah beli" in out.getvalue()
    assert chat.options == reply.options  # typing "1" now presses "Aku sudah beli"
    other = await sender.send(Outbound("siti", (reply,)))
    assert other.outcome == Outcome.TRANSIENT
