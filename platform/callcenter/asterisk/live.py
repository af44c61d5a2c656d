"""Keeps Asterisk's live state in step with ours, over AMI.

* Seat availability: app_queue watches ``Custom:<endpoint>``, which we set from contact and
  channel events. A seat forwarded to a phone needs no contact, and is INUSE while its
  forwarded call lasts, so a busy mobile is never rung again. (A realtime endpoint created
  after Asterisk started stays UNAVAILABLE to app_queue otherwise; see
  docs/architecture.md.)

Tenant phone contexts are not added here any more: seats enter the static
``cc-phone-entry`` with their tenant from the endpoint row (no DialplanExtensionAdd, which
would need the AMI ``system`` class).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

from callcenter.ami.channels import LostCall
from callcenter.ami.cluster import AmiCluster
from callcenter.ami.events import (
    AsteriskBooted,
    ChannelCreated,
    ChannelHungUp,
    ContactChanged,
    DomainEvent,
    endpoint_of,
)
from callcenter.asterisk import cache, realtime
from callcenter.asterisk.naming import device
from callcenter.db.listen import MISSED, listen_forever
from callcenter.db.pool import connection
from callcenter.errors import DomainError
from callcenter.tasks import cancel_and_wait, start_named

log = logging.getLogger(__name__)


def device_state(registered: bool, channels: int) -> str:
    """The Custom device state app_queue should see for a seat."""
    if channels > 0:
        return "INUSE"
    return "NOT_INUSE" if registered else "UNAVAILABLE"


class AsteriskSync:
    """Subscribes to AMI events; owns no task of its own (runs in the AMI dispatch task)."""

    def __init__(self, pool: Any, ami: AmiCluster, dsn: str) -> None:
        self._pool = pool
        self._ami = ami
        self._dsn = dsn
        self._contact_changes: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._channels: dict[str, Counter[str]] = {}  # node -> endpoint -> channels there
        self._registered: set[str] = set()
        self._forwarded: set[str] = set()
        self._published: dict[str, str] = {}
        self._logged_out: set[str] = set()  # agents' seats, logged out of the workspace
        self.resyncs = 0
        # Dialplan globals every node gets on (re)connection: the lookup gateway's address
        # and token (extensions.conf CC_LOOKUP_URL, CC_LOOKUP_TOKEN; selfservice/), the
        # generation of cached routes (CC_RGEN, routes.py).
        self.node_globals: dict[str, str] = {}
        ami.on_node_event(self.handle)
        ami.on_node_lost(self._node_lost)

    async def start(self) -> None:
        """Listen for contact changes Asterisk writes to PostgreSQL."""
        self._tasks.update(
            start_named(
                (
                    listen_forever(self._dsn, "cc_contacts", self._contact_changes.put_nowait),
                    "contacts-listener",
                ),
                (self._apply_contacts(), "contacts-apply"),
            )
        )

    async def stop(self) -> None:
        """Cancel and await the tasks started by ``start``."""
        await cancel_and_wait(self._tasks)
        self._tasks.clear()

    async def _apply_contacts(self) -> None:
        while True:
            endpoint = await self._contact_changes.get()
            try:
                await self._refresh(None if endpoint == MISSED else [endpoint])
            except DomainError as exc:
                log.warning("contact change for %s not applied: %s", endpoint, exc.message)

    async def _refresh(
        self, endpoints: list[str] | None, *, force: bool = False, node: str | None = None
    ) -> None:
        """Reload registration from ``ps_contacts`` (all seats if None) and publish states
        (to ``node`` only, or to every node)."""
        async with connection(self._pool) as conn:
            self._forwarded = {
                r["endpoint_id"]
                for r in await conn.fetch(
                    "SELECT endpoint_id FROM seats WHERE forward_to IS NOT NULL"
                )
            }
            if endpoints is None:
                endpoints = [
                    r["endpoint_id"] for r in await conn.fetch("SELECT endpoint_id FROM seats")
                ]
                self._registered = await realtime.registered_endpoints(conn)
            else:
                self._registered.difference_update(endpoints)
                self._registered |= await realtime.registered_endpoints(conn, endpoints)
        if self._ami.connected:
            for ep in endpoints:
                await self._publish(ep, force=force, node=node)

    async def handle(self, node: str, event: DomainEvent) -> None:
        """React to one AMI domain event of ``node``."""
        if isinstance(event, AsteriskBooted):
            await self.resync(node)
        elif isinstance(event, ContactChanged):
            await self._refresh([event.endpoint])
        elif isinstance(event, ChannelCreated) and event.endpoint:
            self._channels.setdefault(node, Counter())[event.endpoint] += 1
            await self._publish(event.endpoint)
        elif isinstance(event, ChannelHungUp) and event.endpoint:
            here = self._channels.setdefault(node, Counter())
            here[event.endpoint] = max(0, here[event.endpoint] - 1)
            await self._publish(event.endpoint)

    async def _node_lost(self, node: str, _lost_at: float, _calls: list[LostCall]) -> None:
        # Its channels are gone with it: the seats that had calls there are free again.
        gone = self._channels.pop(node, Counter())
        for endpoint in [ep for ep, n in gone.items() if n > 0]:
            await self._publish(endpoint)

    async def resync(self, node: str | None = None) -> None:
        """Rebuild everything ``node`` (every connected node if None) holds in memory from
        PostgreSQL and its live channels."""
        if node is None:
            for name in self._ami.nodes:
                if self._ami.node_connected(name):
                    await self.resync(name)
            return
        self.resyncs += 1
        sent: dict[str, str] = {}
        while sent != self.node_globals:  # again if one changed meanwhile (CC_RGEN: routes.py)
            sent = dict(self.node_globals)
            for name, value in sent.items():
                try:
                    await self._ami.client(node).action("Setvar", Variable=name, Value=value)
                except DomainError as exc:
                    log.warning("could not set %s on %s: %s", name, node, exc.message)
        # Seats may have changed while we were away: nothing cached before now is trusted.
        try:
            await cache.expire(self._ami, None, node=node)
        except DomainError as exc:
            log.warning("could not expire %s's cached seats: %s", node, exc.message)
        channels: Counter[str] = Counter()
        for item in await self._ami.client(node).action_list("CoreShowChannels"):
            ep = endpoint_of(item.get("Channel", ""))
            if ep:
                channels[ep] += 1
        self._channels[node] = channels
        await self._refresh(None, force=True, node=node)
        log.info("re-synced seats with Asterisk node %s", node)

    async def seat_changed(
        self, endpoint: str, changed: Iterable[cache.Cache] = cache.SEAT
    ) -> None:
        """A seat was created, changed or removed: drop what Asterisk cached of it that
        ``changed`` (its next REGISTER or call reads the committed rows) and publish its state
        now."""
        try:
            await cache.expire(self._ami, endpoint, changed)  # on every node
        finally:
            await self._refresh([endpoint], force=True)

    async def _publish(
        self, endpoint: str, *, force: bool = False, node: str | None = None
    ) -> None:
        """Set the seat's device state on ``node``, or on every node (after a failover any
        node may ring the seat, and a seat's calls may be on several)."""
        reachable = endpoint in self._registered or endpoint in self._forwarded
        channels = sum(c[endpoint] for c in self._channels.values())
        state = device_state(reachable, channels)
        if state == "NOT_INUSE" and endpoint in self._logged_out:
            state = "UNAVAILABLE"
        if not force and self._published.get(endpoint) == state:
            return
        variable = f"DEVICE_STATE({device(endpoint)})"
        try:
            if node is not None:
                await self._ami.client(node).action("Setvar", Variable=variable, Value=state)
            else:
                await self._ami.broadcast("Setvar", Variable=variable, Value=state)
        except DomainError as exc:
            log.warning("could not publish %s=%s: %s", endpoint, state, exc.message)
            return
        self._published[endpoint] = state

    def state_of(self, endpoint: str) -> str | None:
        """The last state published for ``endpoint``."""
        return self._published.get(endpoint)

    # ------------------------------------------------------------ agent presence (issue 4)
    def set_logged_out(self, endpoints: set[str]) -> None:
        """The seats whose agents are logged out (loaded at start, before the first re-sync)."""
        self._logged_out = set(endpoints)

    async def agent_presence(self, endpoint: str, logged_in: bool) -> None:
        """An agent logged in or out: its seat is UNAVAILABLE to every queue while out.

        Instant, needs no queue reload, and survives an Asterisk restart (the re-sync
        publishes it again)."""
        if logged_in:
            self._logged_out.discard(endpoint)
        else:
            self._logged_out.add(endpoint)
        await self._publish(endpoint, force=True)
