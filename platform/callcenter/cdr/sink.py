"""The second CDR path: AMI ``Cdr`` events inserted into ``cdr`` idempotently.

cdr_pgsql writes each leg from inside Asterisk but drops it when PostgreSQL is down. The same
record also arrives over AMI (cdr_manager); this sink queues it in memory and inserts it
with ``ON CONFLICT (uniqueid, sequence) DO NOTHING``, retrying with backoff until PostgreSQL
answers. Whichever path lands first wins; the other is a no-op. Records are lost only if
PostgreSQL is down *and* the control plane dies before it comes back, or the buffer
(``max_buffer`` records) overflows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Mapping
from typing import Any

from callcenter.ami.client import AmiClient
from callcenter.cdr import repo
from callcenter.cdr.records import NotACdr, cdr_row
from callcenter.db.pool import transaction
from callcenter.errors import DomainError

log = logging.getLogger(__name__)


class CdrSink:
    """Buffers ``Cdr`` events from AMI and writes them to PostgreSQL, exactly once per key."""

    def __init__(
        self,
        pool: Any,
        ami: AmiClient,
        *,
        batch: int = 500,
        max_buffer: int = 1_000_000,
        max_backoff: float = 2.0,
    ) -> None:
        self._pool = pool
        self._buffer: deque[tuple[Any, ...]] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._batch = batch
        self._max_buffer = max_buffer
        self._max_backoff = max_backoff
        self._task: asyncio.Task[None] | None = None
        self.received = 0
        self.written = 0
        self.dropped = 0
        self.refused = 0
        ami.on_raw(self.on_raw)

    @property
    def pending(self) -> int:
        """Records received and not yet committed."""
        return len(self._buffer)

    def on_raw(self, event: Mapping[str, str]) -> None:
        """AMI callback: keep ``Cdr`` events (quick, never raises)."""
        if event.get("Event") != "Cdr":
            return
        try:
            row = cdr_row(event)
        except NotACdr as exc:
            self.refused += 1
            log.error("CDR event refused: %s", exc)
            return
        if len(self._buffer) >= self._max_buffer:
            self.dropped += 1
            log.error("CDR buffer full: record dropped")
            return
        self.received += 1
        self._buffer.append(row)
        self._idle.clear()
        self._wake.set()

    async def start(self) -> None:
        """Start the writer task."""
        self._task = asyncio.ensure_future(self._write_loop())
        self._task.set_name("cdr-sink")

    async def wait_idle(self, timeout: float) -> None:
        """Wait until everything received is written (TimeoutError otherwise)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def stop(self, drain_timeout: float = 5.0) -> None:
        """Write what is buffered (for up to ``drain_timeout`` s), then stop the writer."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), drain_timeout)
        if self._buffer:
            log.error("stopping with %d CDR(s) not written", len(self._buffer))
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _write_loop(self) -> None:
        backoff = 0.1
        while True:
            if not self._buffer:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
            rows = [self._buffer[i] for i in range(min(self._batch, len(self._buffer)))]
            try:
                async with transaction(self._pool) as conn:
                    await repo.insert_cdrs(conn, rows)
            except (DomainError, OSError) as exc:
                log.warning("CDRs not written yet (%d pending): %s", len(self._buffer), exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            for _ in rows:
                self._buffer.popleft()
            self.written += len(rows)
            backoff = 0.1
