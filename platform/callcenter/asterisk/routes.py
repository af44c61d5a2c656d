"""The generation of the rows Asterisk caches per call (numbers, IVRs, IVR menus, queue
options).

Every node keeps the rows its calls read in AstDB (``cc-rt`` in extensions.conf) and trusts
an entry only while it was read under the node's ``CC_RGEN``. PostgreSQL notifies
``cc_routes`` whenever a table behind those rows changes (migration 0027, statement
triggers, so no write path can forget it); this sets a new random generation on every node,
and the next call there reads the changed rows again. A node gets the current generation when
it (re)connects (``AsteriskSync.node_globals``); a fresh one is drawn whenever the listener
(re)connects, since changes may have been missed meanwhile. A node without one reads
PostgreSQL on every call.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import MutableMapping

from callcenter.ami.cluster import AmiCluster
from callcenter.db.listen import listen_forever
from callcenter.errors import DomainError
from callcenter.tasks import cancel_and_wait, start_named

log = logging.getLogger(__name__)

GLOBAL = "CC_RGEN"
CHANNEL = "cc_routes"


def new_generation() -> str:
    """A token no earlier generation of any node can hold."""
    return secrets.token_hex(8)


class RouteGeneration:
    """Listens for ``cc_routes`` and publishes a new ``CC_RGEN`` on every node."""

    def __init__(self, ami: AmiCluster, dsn: str, node_globals: MutableMapping[str, str]):
        self._ami = ami
        self._dsn = dsn
        self._globals = node_globals  # what every node is given when it (re)connects
        self._changed = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start listening; the first generation is drawn once the listener is up."""
        self._tasks.update(
            start_named(
                (
                    listen_forever(self._dsn, CHANNEL, lambda _payload: self._changed.set()),
                    "routes-listener",
                ),
                (self._apply(), "routes-apply"),
            )
        )

    async def stop(self) -> None:
        """Cancel and await the tasks started by ``start``."""
        await cancel_and_wait(self._tasks)
        self._tasks.clear()

    async def _apply(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            generation = new_generation()
            # Set before sending: a node that connects meanwhile gets it from its re-sync.
            self._globals[GLOBAL] = generation
            if not self._ami.connected:
                continue
            targets = [n for n in self._ami.nodes if self._ami.node_connected(n)]
            try:
                done = await self._ami.broadcast("Setvar", Variable=GLOBAL, Value=generation)
            except DomainError as exc:  # no node connected: each gets it when it connects
                log.warning("could not publish the route generation: %s", exc.message)
                continue
            if set(targets) - set(done):
                # A node still connected kept its old generation: try again shortly.
                await asyncio.sleep(0.5)
                self._changed.set()
