"""Owning background tasks: cancel them and make sure they are gone."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable
from typing import Any


async def cancel_and_wait(
    tasks: Iterable[asyncio.Future[object]] | Iterable[asyncio.Task[None]],
) -> None:
    """Cancel ``tasks`` and wait until every one has finished.

    Cancels again while any is still running: on Python 3.11 ``asyncio.wait_for`` can
    swallow a cancellation that arrives just as its inner future completes (gh-86296),
    which would otherwise leave a ``while True`` loop running and its owner's shutdown
    waiting forever.
    """
    pending = {t for t in tasks if not t.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=1.0)


def start_named(*named: tuple[Coroutine[Any, Any, None], str]) -> list[asyncio.Task[None]]:
    """Start each coroutine as a task with its name (what a stack dump or log shows)."""
    started = []
    for coro, name in named:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        started.append(task)
    return started
