"""Group commit: a burst shares few flushes, each caller gets its own result or the batch's
exception, a lone write is not held back, and a failed batch does not poison the next."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.storage.group_commit import GroupCommit


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.fail_next = False

    async def flush(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        await asyncio.sleep(0)  # a commit takes a round trip
        if self.fail_next:
            self.fail_next = False
            raise OSError("disk full")
        return [item * 10 for item in items]


async def test_a_burst_shares_flushes_and_each_caller_gets_its_own_result() -> None:
    recorder = Recorder()
    commit: GroupCommit[int, int] = GroupCommit(recorder.flush)
    results = await asyncio.gather(*(commit.submit(n) for n in range(50)))
    assert results == [n * 10 for n in range(50)]
    assert sorted(n for batch in recorder.batches for n in batch) == list(range(50))
    assert len(recorder.batches) <= 2  # the first alone, the other 49 together
    assert not commit.busy


async def test_a_lone_write_is_flushed_at_once() -> None:
    recorder = Recorder()
    commit: GroupCommit[int, int] = GroupCommit(recorder.flush)
    assert await asyncio.wait_for(commit.submit(7), timeout=5) == 70
    assert recorder.batches == [[7]]


async def test_a_failed_batch_fails_its_callers_only() -> None:
    recorder = Recorder()
    commit: GroupCommit[int, int] = GroupCommit(recorder.flush)
    recorder.fail_next = True
    first = asyncio.ensure_future(commit.submit(1))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(commit.submit(2))  # waits for the next batch
    with pytest.raises(OSError):
        await first
    assert await second == 20


async def test_a_flush_returning_too_few_results_is_an_error_not_a_hang() -> None:
    async def short(items: Sequence[int]) -> list[int]:
        return []

    commit: GroupCommit[int, int] = GroupCommit(short)
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(commit.submit(1), timeout=5)


async def test_drain_waits_for_what_was_submitted() -> None:
    recorder = Recorder()
    commit: GroupCommit[int, int] = GroupCommit(recorder.flush)
    tasks = [asyncio.ensure_future(commit.submit(n)) for n in range(3)]
    await asyncio.sleep(0)
    await commit.drain()
    assert all(task.done() for task in tasks)


async def test_most_caps_a_batch_and_the_rest_follow() -> None:
    recorder = Recorder()
    commit: GroupCommit[int, int] = GroupCommit(recorder.flush, most=4)
    results = await asyncio.gather(*(commit.submit(n) for n in range(10)))
    assert results == [n * 10 for n in range(10)]
    assert all(len(batch) <= 4 for batch in recorder.batches)
    assert [n for batch in recorder.batches for n in batch] == list(range(10))
