"""The terminal chat: reminders appear in it numbered like any reply; a paste is one message;
the end of input ends it quietly."""

from __future__ import annotations

import io
import os
import threading
import time
from typing import TextIO, cast

from bot.channels.terminal import (
    BRACKETED_OFF,
    PASTE_END,
    PASTE_GAP,
    PASTE_START,
    TerminalChannel,
    TerminalSender,
)
from bot.conversation.engine import Engine
from bot.core.clock import FakeClock
from bot.core.domain import Incoming, InputKind, Option, Reply
from bot.core.outbound import Outbound, Outcome
from bot.core.program import Program
from handlers.router import route
from tests.conftest import Reopen
from tests.helpers import WIB_START


async def test_prints_to_its_own_user_only(engine: Engine, clock: FakeClock) -> None:
    out = io.StringIO()
    chat = TerminalChannel(engine, clock, "budi", stdin=io.StringIO(), stdout=out)
    sender = TerminalSender(chat)
    reply = Reply("⏰ Pengingat", (Option("purchase:done", "Aku sudah beli"),))
    delivered = await sender.send(Outbound("budi", (reply,), extra={"outbox_id": "7"}))
    assert delivered.outcome == Outcome.SENT and delivered.message_ids == ("7",)
    assert "⏰ Pengingat\n  1. Aku sudah beli" in out.getvalue()
    assert chat.options == reply.options  # typing "1" now presses "Aku sudah beli"
    other = await sender.send(Outbound("siti", (reply,)))
    assert other.outcome == Outcome.TRANSIENT


class _Recorder:
    """Stands in for the engine: keeps each message the chat hands over."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def handle(self, msg: Incoming) -> list[Reply]:
        self.texts.append(msg.text)
        return [Reply("ok")]


def _chat(stdin: TextIO, *, interactive: bool) -> tuple[TerminalChannel, _Recorder, io.StringIO]:
    recorder, out = _Recorder(), io.StringIO()
    chat = TerminalChannel(
        cast(Engine, recorder),
        FakeClock(WIB_START),
        "budi",
        stdin=stdin,
        stdout=out,
        interactive=interactive,
    )
    return chat, recorder, out


PASTED = "Status: Gagal\nInsentif Anda gagal dicairkan\nHubungi BNI 1500046"


async def test_a_bracketed_paste_is_one_message() -> None:
    script = io.StringIO(f"{PASTE_START}{PASTED}{PASTE_END}\nterus gimana?\n")
    chat, recorder, _ = _chat(script, interactive=False)
    await chat.run()
    assert recorder.texts == [PASTED, "terus gimana?"]


async def test_lines_arriving_together_are_one_message() -> None:
    read, write = os.pipe()
    with os.fdopen(read, "r") as stdin:
        chat, recorder, out = _chat(stdin, interactive=True)

        def type_in() -> None:
            os.write(write, (PASTED + "\n").encode())  # a paste: all lines at once
            time.sleep(PASTE_GAP * 6)
            os.write(write, b"makasih\n")  # typed later: its own message
            time.sleep(PASTE_GAP * 6)
            os.close(write)  # Ctrl+D

        typist = threading.Thread(target=type_in)
        typist.start()
        await chat.run()  # ends at the end of input, without an error
        typist.join()
    assert recorder.texts == ["halo", PASTED, "makasih"]
    assert out.getvalue().endswith(BRACKETED_OFF + "\n")


async def test_end_of_input_ends_the_chat_quietly() -> None:
    chat, recorder, out = _chat(io.StringIO(""), interactive=False)
    await chat.run()
    assert recorder.texts == [] and out.getvalue() == ""


class _Spy:
    """The engine, keeping each message the chat hands over."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[Incoming] = []

    async def handle(self, msg: Incoming) -> list[Reply]:
        self.seen.append(msg)
        return await self.engine.handle(msg)


async def test_a_number_typed_after_a_restart_picks_what_was_shown_last(
    reopen: Reopen, program: Program, clock: FakeClock
) -> None:
    """A new process on the same database (and a scripted chat shows nothing before reading):
    "3" still picks the third choice the participant saw last, not free text."""
    first = await reopen()
    try:
        out = io.StringIO()
        before = TerminalChannel(
            Engine(first, program, clock, route),
            clock,
            "budi",
            stdin=io.StringIO("/start\n22\nWIB\n"),
            stdout=out,
            interactive=False,
            shown=first,
        )
        await before.run()
        shown = before.options
        assert len(shown) >= 3 and f"  3. {shown[2].label}" in out.getvalue()
    finally:
        await first.close()

    second = await reopen()
    try:
        spy = _Spy(Engine(second, program, clock, route))
        after = TerminalChannel(
            cast(Engine, spy),
            clock,
            "budi",
            stdin=io.StringIO("3\n"),
            stdout=io.StringIO(),
            interactive=False,
            shown=second,
        )
        await after.run()
    finally:
        await second.close()
    assert [(m.kind, m.choice) for m in spy.seen] == [(InputKind.CHOICE, shown[2].id)]
