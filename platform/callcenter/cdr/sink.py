"""The second CDR path: AMI ``Cdr`` events inserted into ``cdr`` idempotently.

cdr_pgsql writes each leg from inside Asterisk but drops it when PostgreSQL is down. The same
record also arrives over AMI (cdr_manager); this sink inserts it with ``ON CONFLICT
(uniqueid, sequence) DO NOTHING``, retrying with backoff until PostgreSQL answers. Whichever
path lands first wins; the other is a no-op.

With a spool directory, every record is first appended (fsynced) to a write-ahead spool
(``cdr/spool.py``) and replayed after a restart, so a control plane that dies while
PostgreSQL is down loses nothing it had received. Without one, records wait in memory only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from callcenter.ami.client import AmiClient
from callcenter.ami.cluster import AmiCluster
from callcenter.cdr import repo
from callcenter.cdr.records import COLUMNS, NotACdr, cdr_row
from callcenter.cdr.spool import Row, Spool, decode, encode
from callcenter.db.pool import transaction
from callcenter.errors import DomainError
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)

_TIMES = frozenset(i for i, c in enumerate(COLUMNS) if c in ("calldate", "start", "answer", "end"))
_END = COLUMNS.index("end")


def _ends(rows: Iterable[Row]) -> list[float]:
    """When each leg ended (epoch seconds), for those that say."""
    return [end.timestamp() for row in rows if isinstance(end := row[_END], datetime)]


class CdrSink:
    """Takes ``Cdr`` events from AMI and writes them to PostgreSQL, exactly once per key."""

    def __init__(
        self,
        pool: Any,
        ami: AmiCluster | AmiClient,
        *,
        spool_dir: Path | None = None,
        batch: int = 500,
        max_buffer: int = 1_000_000,
        max_backoff: float = 2.0,
        on_written: Callable[[list[float], float], None] | None = None,
    ) -> None:
        self._pool = pool
        self._on_written = on_written  # metrics: legs' end times, commit time (epoch s)
        self._spool = Spool(spool_dir) if spool_dir is not None else None
        self._incoming: list[Row] = []  # received, not yet spooled
        self._buffer: deque[tuple[int, Row]] = deque()  # (spool segment, row), not yet written
        self._spooled = asyncio.Event()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._batch = batch
        self._max_buffer = max_buffer
        self._max_backoff = max_backoff
        self._tasks: list[asyncio.Task[None]] = []
        self.received = 0
        self.recovered = 0
        self.written = 0
        self.dropped = 0
        self.refused = 0
        ami.on_raw(self.on_raw)

    @property
    def pending(self) -> int:
        """Records received and not yet committed."""
        return len(self._incoming) + len(self._buffer)

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
        if self.pending >= self._max_buffer:
            self.dropped += 1
            log.error("CDR buffer full: record dropped")
            return
        self.received += 1
        self._idle.clear()
        if self._spool is None:
            self._buffer.append((0, row))
            self._wake.set()
        else:
            self._incoming.append(row)
            self._spooled.set()

    async def start(self) -> None:
        """Replay what a previous run left in the spool, then start the tasks."""
        if self._spool is not None:
            for segment, line in await self._spool.recover():
                try:
                    row = decode(line, _TIMES)
                    # Spooled before a column was added: the newer columns are unknown.
                    row = row + (None,) * (len(COLUMNS) - len(row))
                    self._buffer.append((segment, row))
                except ValueError:
                    log.error("unreadable spooled CDR skipped: %.200s", line)
            self.recovered = len(self._buffer)
            if self._buffer:
                log.warning("replaying %d spooled CDR(s)", len(self._buffer))
                self._idle.clear()
                self._wake.set()
            self._spawn(self._spool_loop(), "cdr-spool")
        self._spawn(self._write_loop(), "cdr-sink")

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.append(task)

    async def wait_idle(self, timeout: float) -> None:
        """Wait until everything received is written (TimeoutError otherwise)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def stop(self, drain_timeout: float = 5.0) -> None:
        """Write what is pending (for up to ``drain_timeout`` s), then stop the tasks."""
        if not self._tasks:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), drain_timeout)
        if self.pending:
            log.error("stopping with %d CDR(s) not written", self.pending)
        await cancel_and_wait(self._tasks)
        self._tasks.clear()

    async def _spool_loop(self) -> None:
        assert self._spool is not None
        while True:
            await self._spooled.wait()
            self._spooled.clear()
            rows, self._incoming = self._incoming, []
            while True:
                try:
                    segments = await self._spool.append([encode(r) for r in rows])
                    break
                except OSError as exc:  # disk full or gone: keep them in memory meanwhile
                    log.error("CDR spool write failed: %s", exc)
                    await asyncio.sleep(1)
            self._buffer.extend(zip(segments, rows, strict=True))
            self._wake.set()

    async def _write_loop(self) -> None:
        backoff = 0.1
        while True:
            if not self._buffer:
                if not self._incoming:
                    self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            items = [self._buffer[i] for i in range(min(self._batch, len(self._buffer)))]
            try:
                async with transaction(self._pool) as conn:
                    await repo.insert_cdrs(conn, [row for _, row in items])
            except (DomainError, OSError) as exc:
                log.warning("CDRs not written yet (%d pending): %s", self.pending, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            for _ in items:
                self._buffer.popleft()
            self.written += len(items)
            if self._on_written is not None:
                self._on_written(_ends(row for _, row in items), time.time())
            backoff = 0.1
            await self._release()

    async def _release(self) -> None:
        """Drop spool segments whose records are all written."""
        if self._spool is None:
            return
        if not self._buffer and not self._incoming:
            await self._spool.rotate()
        below = self._buffer[0][0] if self._buffer else self._spool.current
        try:
            await self._spool.release(below)
        except OSError as exc:
            log.warning("CDR spool cleanup failed: %s", exc)
