"""The liveness probe's own database connection."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import asyncpg

PROBE_TIMEOUT_S = 2.0


class DatabaseProbe:
    """Answers "is PostgreSQL reachable" on a connection of its own, so that a pool busy
    with load (a flood of sign-ins, a report) does not make a live process look dead to an
    orchestrator that restarts it. One probe at a time; reconnects after any failure."""

    def __init__(self, dsn: str, timeout: float = PROBE_TIMEOUT_S) -> None:
        self._dsn = dsn
        self._timeout = timeout
        self._conn: Any = None
        self._lock = asyncio.Lock()

    async def reachable(self) -> bool:
        """True if ``SELECT 1`` answered within the timeout."""
        async with self._lock:
            try:
                if self._conn is None or self._conn.is_closed():
                    self._conn = await asyncpg.connect(
                        self._dsn,
                        timeout=self._timeout,
                        server_settings={"application_name": "cc-healthz"},
                    )
                await self._conn.fetchval("SELECT 1", timeout=self._timeout)
                return True
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await self.close()
                return False

    async def close(self) -> None:
        """Drop the connection (the next probe makes a new one)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.terminate()
