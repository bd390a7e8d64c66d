"""Platform limits and the retry policy from the settings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.clock import FakeClock
from bot.core.config import ConfigError, load_settings
from bot.core.program import Program
from bot.outbox.policy import ChannelLimit, Policy, limits_from_settings, policy_from_settings
from bot.storage.store import SqlStore
from tests.conftest import onboard
from tests.helpers import Chat
from tests.outbox_helpers import make_worker, planning_engine, utc


def test_telegram_defaults_and_paid_broadcast() -> None:
    normal = limits_from_settings(load_settings())["telegram"]
    assert (normal.rate, normal.per_chat, normal.paid_broadcast) == (30.0, 1.0, False)
    paid = limits_from_settings(load_settings(telegram_paid_broadcast=True))["telegram"]
    assert (paid.rate, paid.paid_broadcast) == (1000.0, True)


def test_policy_from_settings_and_backoff() -> None:
    policy = policy_from_settings(load_settings(outbox_max_attempts=3, outbox_backoff_seconds=10))
    assert policy.max_attempts == 3
    assert [policy.backoff(n) for n in (1, 2, 3)] == [timedelta(seconds=s) for s in (10, 20, 40)]
    assert Policy(backoff_base=30, backoff_max=60).backoff(5) == timedelta(seconds=60)


def test_bad_rate_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_RATE", "fast")
    with pytest.raises(ConfigError, match=r"^TELEGRAM_RATE: "):
        load_settings()


async def test_paid_broadcast_is_asked_for_on_each_message(
    store: SqlStore, program: Program, clock: FakeClock
) -> None:
    await onboard(Chat(planning_engine(store, program, clock), clock))
    clock.set(utc("2021-11-23T09:00+07:00"))
    worker, sender = make_worker(store, program, clock)
    worker.channels["test"].limit = ChannelLimit(rate=1000.0, paid_broadcast=True)
    await worker.run_once()
    assert [m.paid_broadcast for m in sender.sent] == [True]
