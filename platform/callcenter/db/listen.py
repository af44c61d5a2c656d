"""One LISTEN connection kept open for as long as its task runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

log = logging.getLogger(__name__)

MISSED = "*"  # handed to ``on_notify`` on every (re)connection
PING_S = 2.0  # an idle LISTEN connection is pinged this often (a silent drop is noticed)


async def listen_forever(
    dsn: str,
    channel: str,
    on_notify: Callable[[str], None],
    *,
    on_lost: Callable[[], None] | None = None,
    ping_s: float = PING_S,
) -> None:
    """LISTEN on ``channel``, reconnecting whenever the connection drops; ``on_notify`` gets
    each payload, and ``MISSED`` once the listener is (back) up: whatever changed while
    nobody listened. ``on_lost`` is called whenever a listener that was up goes down (a
    NAT or firewall may drop an idle connection without a word: it is pinged every
    ``ping_s``, so that is noticed within two pings)."""
    while True:
        try:
            # Named, so an operator (or a test) sees which listener a backend is.
            conn = await asyncpg.connect(
                dsn, server_settings={"application_name": f"cc-listen-{channel}"}
            )
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("%s listener cannot connect: %s", channel, exc)
            await asyncio.sleep(1)
            continue
        closed = asyncio.Event()
        conn.add_termination_listener(lambda _c, ev=closed: ev.set())
        up = False
        try:
            await conn.add_listener(channel, lambda _c, _pid, _ch, payload: on_notify(str(payload)))
            up = True
            on_notify(MISSED)
            while not closed.is_set():
                try:
                    await asyncio.wait_for(closed.wait(), ping_s)
                except TimeoutError:
                    await conn.fetchval("SELECT 1", timeout=ping_s)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("%s listener lost: %s", channel, exc)
        finally:
            if up and on_lost is not None:
                on_lost()
            with contextlib.suppress(Exception):
                await conn.close()
        await asyncio.sleep(0.2)
