"""Fault test: an import (its own process) and chatting participants at once: no update lost,
every state change saved."""

from __future__ import annotations

from pathlib import Path

from tests.import_chat_support import import_while_chatting


async def test_an_import_costs_no_reply_and_no_state_change(tmp_path: Path) -> None:
    result = await import_while_chatting(tmp_path, rows=3000, chatters=40, wait_seconds=45)
    assert "applied 3000" in result.import_output, result.import_output[-300:]
    assert result.lost == 0, result.summary()
    assert result.onboarded == result.chatters, result.summary()
