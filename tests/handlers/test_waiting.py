"""What the bot waits for lives in one typed place: every step and every question has its
entry, and the store's funnel counts onboarding with the same steps."""

from __future__ import annotations

from bot.core.domain import ONBOARDING, Question, Step
from bot.storage.segments import ONBOARDING_STEPS
from handlers.questions import QUESTIONS
from handlers.waiting import STEPS


def test_every_step_says_what_it_waits_for() -> None:
    assert set(STEPS) == set(Step)


def test_every_question_has_its_reader() -> None:
    assert set(QUESTIONS) == set(Question)


def test_the_funnel_uses_the_same_onboarding_steps() -> None:
    assert set(ONBOARDING_STEPS) == {step.value for step in ONBOARDING}
    assert Step.ASK_STAGE in ONBOARDING
