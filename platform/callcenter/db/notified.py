"""Rows the live call path reads on every call, kept in memory and forgotten on NOTIFY.

A tenant's integrations and a queue's wrap-up time change a few times a year and are read
several times per call (the pop's CRM lookup, each webhook event, each wrap-up). A
:class:`NotifiedCache` reads a key from PostgreSQL once and keeps it until a NOTIFY on its
channel names it (a trigger sends one in the transaction that changes it), so a change
counts from the next call on, as a read would. It keeps nothing while its listener is not
up, and forgets everything whenever the listener (re)connects: a change nobody heard is
never served. A read that a NOTIFY overtakes is answered but not kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from callcenter.db.listen import MISSED, listen_forever
from callcenter.db.pool import connection
from callcenter.tasks import cancel_and_wait

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class NotifiedCache(Generic[K, V]):
    """``get(key)`` through memory; ``expires(payload, key)``: whether a NOTIFY forgets it
    (``*`` forgets everything)."""

    def __init__(
        self,
        pool: Any,
        dsn: str,
        channel: str,
        load: Callable[[Any, K], Awaitable[V]],
        expires: Callable[[str, K], bool],
    ) -> None:
        self._pool = pool
        self._dsn = dsn
        self._channel = channel
        self._load = load
        self._expires = expires
        self._values: dict[K, V] = {}
        self._generation = 0
        self._listening = False
        self._task: asyncio.Task[None] | None = None
        self.reads = 0  # database reads (misses and reads while not listening)

    def start(self) -> None:
        """Start listening; until the listener is up every ``get`` reads the database."""
        if self._task is None:
            self._task = asyncio.ensure_future(
                listen_forever(self._dsn, self._channel, self._notified, on_lost=self._lost)
            )
            self._task.set_name(f"{self._channel}-cache")

    async def stop(self) -> None:
        """Stop listening and forget everything."""
        if self._task is not None:
            await cancel_and_wait([self._task])
            self._task = None
        self._lost()

    async def get(self, key: K) -> V:
        """The value of ``key``: from memory, or read (database errors as domain errors)."""
        try:
            return self._values[key]
        except KeyError:
            pass
        generation = self._generation
        self.reads += 1
        async with connection(self._pool) as conn:
            value = await self._load(conn, key)
        if self._listening and generation == self._generation:
            self._values[key] = value
        return value

    def _notified(self, payload: str) -> None:
        self._generation += 1
        if payload == MISSED:  # the listener is (back) up, or a TRUNCATE: forget all
            self._values.clear()
            self._listening = True
        else:
            for key in [k for k in self._values if self._expires(payload, k)]:
                del self._values[key]

    def _lost(self) -> None:
        self._generation += 1
        self._listening = False
        self._values.clear()
