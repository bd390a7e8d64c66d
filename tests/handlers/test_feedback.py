"""'Did this help?' after an answer: once a day per participant, never after a warning, a
handoff or a command; the vote stored with the answer, a 👎 with the redacted message and a
person offered."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.context import Context
from bot.core.clock import FakeClock
from bot.core.domain import Option, Reply, Step
from bot.core.program import Program
from bot.storage.store import SqlStore
from handlers import feedback
from tests.conftest import onboard
from tests.helpers import Chat

QUESTION = "Apakah ini membantu?"
SINCE = timedelta(days=30)


def _votes(chat: Chat) -> list[str]:
    return [o for o in chat.option_ids if o.startswith("fb:")]


def _answered(chat: Chat) -> str:
    """The answer the 👍 / 👎 buttons are about (they come last, 👍 first)."""
    up, down = _votes(chat)
    assert chat.option_ids[-2:] == [up, down]
    answer = up.removeprefix("fb:up:")
    assert down == f"fb:down:{answer}"
    return answer


async def test_asked_once_a_day_and_a_thumbs_down_keeps_the_message(
    chat: Chat, store: SqlStore, clock: FakeClock
) -> None:
    await onboard(chat)
    await chat.send("sertifikat aku blm muncul di dashboard, udh 3 hari. email aku budi@mail.com")
    assert QUESTION in chat.replies[-1].text
    answer = _answered(chat)  # the knowledge base's entry (kb:…) or the topic's (topic:…)
    assert answer in ("kb:sertifikat-belum-muncul", "topic:certificate")
    await chat.press(f"fb:down:{answer}")
    assert "belum membantu" in chat.text and "intent:human" in chat.option_ids  # a person offered
    assert not _votes(chat)
    await chat.press_any(f"fb:down:{answer}")  # a second tap counts once
    assert "Sudah dicatat" in chat.text
    disliked = await store.most_disliked(clock.now() - SINCE)
    assert [(d.answer, d.down, d.up) for d in disliked] == [(answer, 1, 0)]
    ((_, said),) = disliked[0].messages
    assert "sertifikat aku blm muncul" in said and "budi@mail.com" not in said  # redacted
    # the same day: answered without the question
    await chat.send("survei evaluasi itu diisi dimana ya")
    assert QUESTION not in chat.text and not _votes(chat)
    # the next day in the participant's zone: asked again
    clock.advance(timedelta(days=1))
    await chat.send("survei evaluasi itu diisi dimana ya")
    survey = _answered(chat)
    assert survey != answer
    await chat.press(f"fb:up:{survey}")
    assert "Syukurlah" in chat.text
    votes = await store.most_disliked(clock.now() - SINCE)
    assert [(d.answer, d.down, d.up) for d in votes] == [(answer, 1, 0)]
    assert await store.feedback_totals(clock.now() - SINCE) == (1, 1)
    participant = await store.get_participant("test", "u1")
    assert participant is not None and participant.id is not None
    ask = await store.feedback_ask(participant.id)
    assert ask is not None and ask.voted and ask.text is None


async def test_local_day_decides_not_24_hours(chat: Chat, clock: FakeClock) -> None:
    await onboard(chat)
    await chat.send("sertifikat aku blm muncul di dashboard")
    assert _votes(chat)
    clock.advance(timedelta(hours=20))  # WIB_START is 10:00 WIB: 06:00 the next day
    await chat.send("survei evaluasi itu diisi dimana ya")
    assert _votes(chat)


async def test_never_after_a_command_a_warning_or_a_handoff(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("/status")
    assert not _votes(chat)
    await chat.send("kode otp 918273 gak masuk, sertifikat juga blm muncul")  # a secret: warned
    assert not _votes(chat)
    await chat.send("mau ngomong sama admin aja")  # a person: a handoff
    assert not _votes(chat)
    await chat.send("halo min")  # a greeting is not an answer to rate
    assert not _votes(chat)
    await chat.send("/batal")
    await chat.send("sertifikat aku blm muncul di dashboard")
    assert _votes(chat)  # the day's one question is still there to ask


async def test_a_distressed_message_gets_a_person_not_a_survey(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("saya stres banget, sertifikat aku blm muncul di dashboard udah seminggu")
    assert "intent:human" in chat.option_ids and not _votes(chat)


async def test_english_participant_and_an_old_button(chat: Chat, store: SqlStore) -> None:
    await onboard(chat)
    await chat.send("where do I fill in the evaluation survey?")
    assert "Did this help?" in chat.text
    await chat.press_any("fb:up:kb:sertifikat-belum-muncul")  # not what was asked
    assert "Already noted" in chat.text
    assert await store.feedback_totals(chat.clock.now() - SINCE) == (0, 0)
    participant = await store.get_participant("test", "u1")
    assert participant is not None and participant.step == Step.MENU


async def test_a_two_message_answer_gets_the_question_under_its_second(
    chat: Chat, store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(chat)
    participant = await store.get_participant("test", "u1")
    assert participant is not None
    ctx = Context.of(participant, program, clock, store)
    feedback.answered_entry(ctx, "sertifikat-belum-muncul", "sertifikat blm ada")
    answer = [Reply("Bagian satu."), Reply("Bagian dua.", (Option("menu:show", "Menu"),))]
    replies = await feedback.ask(ctx, answer)
    assert len(replies) == 2 and replies[0] == answer[0]
    assert replies[1].text == "Bagian dua.\n\n" + QUESTION
    assert [o.id for o in replies[1].options] == [
        "fb:up:kb:sertifikat-belum-muncul",
        "fb:down:kb:sertifikat-belum-muncul",
        "menu:show",
    ]
    # marked again the same day: not asked again
    feedback.answered_entry(ctx, "sertifikat-belum-muncul", "sertifikat blm ada")
    assert await feedback.ask(ctx, answer) == answer
