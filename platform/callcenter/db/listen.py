"""One LISTEN connection kept open for as long as its task runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

log = logging.getLogger(__name__)

MISSED = "*"  # handed to ``on_notify`` on every (re)connection


async def listen_forever(dsn: str, channel: str, on_notify: Callable[[str], None]) -> None:
    """LISTEN on ``channel``, reconnecting whenever the connection drops; ``on_notify`` gets
    each payload, and ``MISSED`` once the listener is (back) up: whatever changed while
    nobody listened."""
    while True:
        try:
            conn = await asyncpg.connect(dsn)
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("%s listener cannot connect: %s", channel, exc)
            await asyncio.sleep(1)
            continue
        closed = asyncio.Event()
        conn.add_termination_listener(lambda _c, ev=closed: ev.set())
        await conn.add_listener(channel, lambda _c, _pid, _ch, payload: on_notify(str(payload)))
        on_notify(MISSED)
        try:
            await closed.wait()
        finally:
            with contextlib.suppress(Exception):
                await conn.close()
