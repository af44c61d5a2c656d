"""Keeps the AMI cluster in step with ``nodes`` and tenants' homes (LISTEN ``cc_nodes``).

A node registered, moved or removed opens or closes its AMI connection at once; a tenant
placed or moved changes where its actions go. Everything is re-read after the listening
connection (re)connects: a change while we were not listening is not missed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from callcenter.ami.cluster import AmiCluster, NodeAddress
from callcenter.db.listen import listen_forever
from callcenter.db.pool import connection
from callcenter.errors import DomainError
from callcenter.nodes import repo
from callcenter.tasks import cancel_and_wait, start_named

log = logging.getLogger(__name__)


class NodeDirectory:
    """Feeds ``AmiCluster.set_nodes``/``set_homes`` from PostgreSQL."""

    def __init__(self, pool: Any, dsn: str, cluster: AmiCluster) -> None:
        self._pool = pool
        self._dsn = dsn
        self._cluster = cluster
        self._dirty = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.reads = 0

    async def start(self) -> None:
        """Read nodes and homes once, then follow their changes (a database that does not
        answer yet is read again by the background task: meanwhile the cluster is the node
        of the settings)."""
        try:
            await self.refresh()
        except DomainError as exc:
            log.warning("nodes not read yet: %s", exc.message)
            self._dirty.set()
        self._tasks.extend(
            start_named(
                (
                    listen_forever(self._dsn, "cc_nodes", lambda _payload: self._dirty.set()),
                    "nodes-listener",
                ),
                (self._apply(), "nodes-apply"),
            )
        )

    async def stop(self) -> None:
        """Cancel and await the tasks started by ``start``."""
        await cancel_and_wait(self._tasks)
        self._tasks.clear()

    async def refresh(self) -> None:
        """Re-read every node and home and hand them to the cluster."""
        async with connection(self._pool) as conn:
            rows = await repo.ami_addresses(conn)
            homes = await repo.homes(conn)
        self.reads += 1
        self._cluster.set_homes(homes)
        await self._cluster.set_nodes(
            [NodeAddress(r["name"], r["ami_host"], r["ami_port"]) for r in rows]
        )

    async def _apply(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()  # changes from here on wake the next round
            try:
                await self.refresh()
            except DomainError as exc:
                log.warning("nodes not re-read: %s", exc.message)
                await asyncio.sleep(1)
                self._dirty.set()
