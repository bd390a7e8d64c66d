"""Ending a talk with the team from the chat: /batal closes the handoff too."""

from __future__ import annotations

from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat


async def test_cancel_in_a_talk_with_the_team_closes_its_handoff(
    chat: Chat, store: SqlStore
) -> None:
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    participant = await store.get_participant("test", chat.user)
    assert participant is not None and participant.id is not None
    assert await store.current_handoff(participant.id) is not None
    await chat.send("/batal")
    assert await store.current_handoff(participant.id) is None
    assert "dibatalkan" in chat.text.lower()
    await chat.send("/batal")  # nothing open: still just the menu
    assert await store.current_handoff(participant.id) is None


async def test_a_scam_demanding_money_to_release_the_incentive_is_a_scam_report(
    chat: Chat,
) -> None:
    await onboard(chat)
    await chat.send(
        "tadi ada yg wa ngaku dr prakerja katanya insentif sy ketahan harus transfer 50rb biar "
        "cair, bener ga min??"
    )
    assert "penipuan" in chat.text.lower()
