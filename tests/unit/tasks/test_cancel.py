"""Shutdown never hangs on a task that swallowed its cancellation."""

from __future__ import annotations

import asyncio

from callcenter.tasks import cancel_and_wait


async def test_a_task_that_swallows_one_cancellation_is_cancelled_again() -> None:
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                swallowed += 1
                if swallowed > 1:
                    raise

    task = asyncio.ensure_future(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel_and_wait([task]), 5)
    assert task.cancelled() and swallowed == 2


async def test_finished_tasks_are_left_alone() -> None:
    async def quick() -> None:
        return None

    task = asyncio.ensure_future(quick())
    await task
    await cancel_and_wait([task])
    assert not task.cancelled()
