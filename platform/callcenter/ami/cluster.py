"""One supervised AMI connection per Asterisk node, behind the ``AmiClient`` surface.

Consumers written for one Asterisk keep working: ``on_raw``/``on_event`` receive every
node's events (raw ones tagged ``CcNode``), ``action_list`` merges the connected nodes'
lists, ``connected`` means any node. Routing is explicit where it matters:

* ``for_tenant(tenant)``: the tenant's home node (originates for a tenant: click-to-dial,
  supervision, recording, callbacks); any connected node when the home is unknown or gone.
* ``for_channel(name_or_uniqueid)``: the node holding the channel (transfers, Setvar on a
  channel, hangup), tracked from each node's Newchannel/Hangup.
* ``broadcast(action)``: every connected node (device states, cache expiry: after a
  failover any node may serve a tenant).
* ``client(node)``: one node; typed handlers run with ``current_node()`` set to the node
  whose event they handle, so a re-sync on ``AsteriskBooted`` talks to that node.

Without any registered node, the cluster is the one node of the settings (``implicit``), as
before issue 15. The set of nodes changes at run time (``set_nodes``, fed by
``nodes.directory``): connections open and close without a restart.

Failover detection: a registered node whose connection is lost and not back within
``dead_after`` seconds is reported once to ``on_node_lost`` with the moment of the loss and
the calls it had up (``ami.channels``); a node that connects again is reported to
``on_node_back``.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from callcenter.ami.channels import ChannelTable, LostCall, lost_calls
from callcenter.ami.client import AmiClient, EventHandler, RawHandler
from callcenter.ami.events import DomainEvent
from callcenter.errors import DomainError, Unavailable
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)

NODE_HEADER = "CcNode"
_CURRENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("cc_node", default=None)

LostHandler = Callable[[str, float, list[LostCall]], Awaitable[None]]
BackHandler = Callable[[str], Awaitable[None]]
NodeEventHandler = Callable[[str, DomainEvent], Awaitable[None]]
ClientFactory = Callable[[str, int], AmiClient]


def current_node() -> str | None:
    """The node whose event the running handler is handling (None outside one)."""
    return _CURRENT.get()


@dataclass(frozen=True, slots=True)
class NodeAddress:
    """Where the control plane reaches a node's AMI."""

    name: str
    host: str
    port: int


@dataclass(slots=True)
class _Node:
    address: NodeAddress
    client: AmiClient
    registered: bool  # a row of `nodes` (failover applies), not the implicit node
    channels: ChannelTable = field(default_factory=ChannelTable)
    lost_at: float | None = None
    reported_lost: bool = False
    closing: bool = False
    watch: asyncio.Task[None] | None = None


class AmiCluster:
    """AMI connections to every node, with routing by tenant, channel, or to all."""

    def __init__(
        self,
        factory: ClientFactory,
        *,
        implicit: NodeAddress | None = None,
        dead_after: float = 2.0,
    ) -> None:
        self._factory = factory
        self._implicit = implicit
        self._dead_after = dead_after
        self._nodes: dict[str, _Node] = {}
        self._homes: dict[str, str] = {}
        self._raw: list[RawHandler] = []
        self._typed: list[EventHandler] = []
        self._node_typed: list[NodeEventHandler] = []
        self._lost: list[LostHandler] = []
        self._back: list[BackHandler] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------------ subscriptions
    def on_raw(self, handler: RawHandler) -> None:
        """Every raw event of every node, tagged ``CcNode`` (quick, must not raise)."""
        self._raw.append(handler)

    def on_event(self, handler: EventHandler) -> None:
        """Typed events of every node (``current_node()`` names the node)."""
        self._typed.append(handler)

    def on_node_event(self, handler: NodeEventHandler) -> None:
        """Typed events with the node they came from."""
        self._node_typed.append(handler)

    def on_node_lost(self, handler: LostHandler) -> None:
        """A registered node lost for good: (node, epoch of the loss, calls up there)."""
        self._lost.append(handler)

    def on_node_back(self, handler: BackHandler) -> None:
        """A registered node connected again (after having been lost)."""
        self._back.append(handler)

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Open the connections known so far (the implicit node if no node is set)."""
        if not self._nodes and self._implicit is not None:
            await self.set_nodes([])

    async def stop(self) -> None:
        """Close every connection and task."""
        for node in self._nodes.values():
            node.closing = True
        await cancel_and_wait(list(self._tasks))
        for node in list(self._nodes.values()):
            await self._close(node)
        self._nodes.clear()

    async def set_nodes(self, addresses: list[NodeAddress]) -> None:
        """The registered nodes are now ``addresses``: open new ones, close gone or moved
        ones (the implicit node stands in while there is none)."""
        async with self._lock:
            wanted = {a.name: (a, True) for a in addresses}
            if not wanted and self._implicit is not None:
                wanted = {self._implicit.name: (self._implicit, False)}
            for name, node in list(self._nodes.items()):
                target = wanted.get(name)
                if target is None or target[0] != node.address or target[1] != node.registered:
                    del self._nodes[name]
                    await self._close(node)
            for name, (address, registered) in wanted.items():
                if name not in self._nodes:
                    await self._open(address, registered)

    def set_homes(self, homes: Mapping[str, str]) -> None:
        """Tenant id -> home node, as the database says now."""
        self._homes = dict(homes)

    async def _open(self, address: NodeAddress, registered: bool) -> None:
        client = self._factory(address.host, address.port)
        node = _Node(address, client, registered)
        self._nodes[address.name] = node
        client.on_raw(functools.partial(self._on_raw, node))
        client.on_event(functools.partial(self._on_event, node))
        client.on_connection(functools.partial(self._on_connection, node))
        log.info("AMI of node %s at %s:%d", address.name, address.host, address.port)
        if registered:
            # A node that never answers is lost too (dead when we started or registered it).
            node.lost_at = time.time()
            node.watch = self._spawn(self._watch(node), f"ami-lost-{address.name}")
        await client.start()

    async def _close(self, node: _Node) -> None:
        node.closing = True
        if node.watch is not None:
            await cancel_and_wait([node.watch])
        await node.client.stop()

    # ------------------------------------------------------------------ events
    def _on_raw(self, node: _Node, fields: Mapping[str, str]) -> None:
        # The client builds a fresh dict per message: tag it in place, for the typed path too.
        cast(dict[str, str], fields)[NODE_HEADER] = node.address.name
        node.channels.feed(fields)
        for handler in self._raw:
            try:
                handler(fields)
            except Exception:
                log.exception("raw AMI handler failed")

    async def _on_event(self, node: _Node, event: DomainEvent) -> None:
        token = _CURRENT.set(node.address.name)
        try:
            for handler in self._typed:
                try:
                    await handler(event)
                except Exception:
                    log.exception("handler for %s failed", type(event).__name__)
            for node_handler in self._node_typed:
                try:
                    await node_handler(node.address.name, event)
                except Exception:
                    log.exception("node handler for %s failed", type(event).__name__)
        finally:
            _CURRENT.reset(token)

    def _on_connection(self, node: _Node, up: bool) -> None:
        if node.closing:
            return
        if up:
            was_lost = node.reported_lost
            node.lost_at = None
            if node.watch is not None and not was_lost:
                node.watch.cancel()  # back in time: not lost (a report under way finishes)
                node.watch = None
            self._spawn(self._reconnected(node, was_lost), f"ami-up-{node.address.name}")
            return
        node.lost_at = time.time()
        if node.registered and node.watch is None and not node.reported_lost:
            node.watch = self._spawn(self._watch(node), f"ami-lost-{node.address.name}")

    async def _watch(self, node: _Node) -> None:
        """Wait ``dead_after``; if the node is still away, report it lost once."""
        try:
            await asyncio.sleep(self._dead_after)
            lost_at = node.lost_at
            if node.client.connected or node.closing or lost_at is None:
                return
            node.reported_lost = True
            calls = lost_calls(node.channels.by_uniqueid.values(), lost_at)
            # Every handler is idempotent: on a failure (PostgreSQL away) all run again, until
            # they pass or the node is back.
            while not await self._report_lost(node, lost_at, calls):
                await asyncio.sleep(1.0)
                if node.client.connected or node.closing:
                    return
            node.channels.clear()
        finally:
            if node.watch is asyncio.current_task():
                node.watch = None

    async def _report_lost(self, node: _Node, lost_at: float, calls: list[LostCall]) -> bool:
        for handler in self._lost:
            try:
                await handler(node.address.name, lost_at, calls)
            except DomainError as exc:
                log.error("node %s lost, not recorded yet: %s", node.address.name, exc.message)
                return False
            except Exception:
                log.exception("node %s lost, handler failed", node.address.name)
                return False
        return True

    async def _reconnected(self, node: _Node, was_lost: bool) -> None:
        if node.watch is not None and was_lost:
            await asyncio.wait({node.watch})  # let the loss be recorded before the return
        node.reported_lost = False
        # What is up there now (a control plane restart, or a partition that healed).
        try:
            items = await node.client.action_list("CoreShowChannels")
            node.channels.reload(items, time.time())
        except DomainError as exc:
            log.warning("channels of node %s not listed: %s", node.address.name, exc.message)
        if node.registered:
            for handler in self._back:
                try:
                    await handler(node.address.name)
                except DomainError as exc:
                    log.warning("node %s back, not recorded: %s", node.address.name, exc.message)
        if was_lost:
            log.warning("node %s answers again", node.address.name)

    def _spawn(self, coro: Awaitable[None], name: str) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ------------------------------------------------------------------ state
    @property
    def nodes(self) -> list[str]:
        """Names of the nodes with a connection (open or being retried)."""
        return sorted(self._nodes)

    def node_connected(self, node: str) -> bool:
        """Whether ``node``'s AMI is logged in now."""
        n = self._nodes.get(node)
        return bool(n and n.client.connected)

    def calls_up(self, node: str) -> int:
        """Calls up on ``node`` as its events showed them."""
        n = self._nodes.get(node)
        return n.channels.calls() if n else 0

    def node_of_channel(self, channel: str) -> str | None:
        """The node holding ``channel`` (name or uniqueid), if it is known."""
        for name, n in self._nodes.items():
            if n.channels.holds(channel):
                return name
        return None

    def node_of_prefix(self, prefix: str) -> str | None:
        """The node holding a channel whose name starts with ``prefix`` (a seat's calls:
        ``PJSIP/<endpoint>-``), if any."""
        for name, n in sorted(self._nodes.items()):
            if any(c.startswith(prefix) for c in n.channels.by_name):
                return name
        return None

    def home_of(self, tenant_id: str) -> str | None:
        """The tenant's home node as last read from the database."""
        return self._homes.get(tenant_id)

    @property
    def connected(self) -> bool:
        """Any node logged in."""
        return any(n.client.connected for n in self._nodes.values())

    @property
    def backlog(self) -> int:
        """Events read and not yet dispatched, over all nodes."""
        return sum(n.client.backlog for n in self._nodes.values())

    @property
    def connects(self) -> int:
        """Logins over all nodes since start."""
        return sum(n.client.connects for n in self._nodes.values())

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until some node is logged in; raise Unavailable after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not self.connected:
            if time.monotonic() > deadline:
                raise Unavailable("Asterisk manager interface is not reachable")
            await asyncio.sleep(0.05)

    async def wait_node(self, node: str, timeout: float = 10.0) -> None:
        """Wait until ``node`` is logged in; raise Unavailable after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not self.node_connected(node):
            if time.monotonic() > deadline:
                raise Unavailable("node's manager interface is not reachable", node=node)
            await asyncio.sleep(0.05)

    # ------------------------------------------------------------------ routing
    def client(self, node: str) -> AmiClient:
        """The connection to ``node``."""
        n = self._nodes.get(node)
        if n is None:
            raise Unavailable("no such node connection", node=node)
        return n.client

    def _default(self) -> AmiClient:
        """The node of the event being handled, else the first connected node by name."""
        here = _CURRENT.get()
        if here is not None and here in self._nodes:
            return self._nodes[here].client
        for name in sorted(self._nodes):
            if self._nodes[name].client.connected:
                return self._nodes[name].client
        raise Unavailable("Asterisk manager interface is not connected")

    def for_tenant(self, tenant_id: str) -> AmiClient:
        """The tenant's home node; any connected node when it has none or it is away (the
        edge then sends the tenant's calls to a live node as well)."""
        home = self._homes.get(tenant_id)
        n = self._nodes.get(home) if home else None
        if n is not None and n.client.connected:
            return n.client
        if n is not None and len(self._nodes) == 1:
            return n.client  # the one node: let the action say it is unreachable
        return self._default()

    def for_channel(self, channel: str) -> AmiClient:
        """The node holding ``channel`` (a name or a uniqueid); the default node if no
        node's events showed it."""
        node = self.node_of_channel(channel)
        return self._nodes[node].client if node is not None else self._default()

    def for_seat_call(self, tenant_id: str, endpoint: str) -> AmiClient:
        """The node where the seat has a call up (to spy on it, record it), else the
        tenant's home node."""
        node = self.node_of_prefix(f"PJSIP/{endpoint}-")
        return self._nodes[node].client if node is not None else self.for_tenant(tenant_id)

    async def broadcast(
        self, name: str, timeout: float = 10.0, **fields: object
    ) -> dict[str, dict[str, str]]:
        """Send one action to every connected node; replies by node (a node that fails is
        logged and left out). Unavailable when no node is connected."""
        targets = [(k, n.client) for k, n in sorted(self._nodes.items()) if n.client.connected]
        if not targets:
            raise Unavailable("Asterisk manager interface is not connected")
        results = await asyncio.gather(
            *(c.action(name, timeout, **fields) for _, c in targets), return_exceptions=True
        )
        out: dict[str, dict[str, str]] = {}
        for (node, _), result in zip(targets, results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, DomainError):
                    raise result
                log.warning("%s on node %s failed: %s", name, node, result.message)
            else:
                out[node] = result
        return out

    async def broadcast_originate(self, timeout: float = 30.0, **fields: object) -> None:
        """Originate the same job on every connected node (e.g. sorcery cache expiry);
        fails only if it failed everywhere."""
        targets = [n.client for _, n in sorted(self._nodes.items()) if n.client.connected]
        if not targets:
            raise Unavailable("Asterisk manager interface is not connected")
        results = await asyncio.gather(
            *(c.originate(timeout, **fields) for c in targets), return_exceptions=True
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        for error in errors:
            if not isinstance(error, DomainError):
                raise error
        if len(errors) == len(targets):
            raise cast(DomainError, errors[0])

    # ------------------------------------------------------------------ AmiClient surface
    async def action(self, name: str, timeout: float = 10.0, **fields: object) -> dict[str, str]:
        """One action on the current event's node, else the first connected node."""
        return await self._default().action(name, timeout, **fields)

    async def action_list(
        self, name: str, timeout: float = 15.0, **fields: object
    ) -> list[dict[str, str]]:
        """The list action on every connected node, merged, each item tagged ``CcNode``."""
        targets = [(k, n.client) for k, n in sorted(self._nodes.items()) if n.client.connected]
        if not targets:
            raise Unavailable("Asterisk manager interface is not connected")
        results = await asyncio.gather(
            *(c.action_list(name, timeout, **fields) for _, c in targets), return_exceptions=True
        )
        out: list[dict[str, str]] = []
        failed: list[BaseException] = []
        for (node, _), result in zip(targets, results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, DomainError):
                    raise result
                failed.append(result)
                log.warning("%s on node %s failed: %s", name, node, result.message)
                continue
            out.extend({**item, NODE_HEADER: node} for item in result)
        if failed and len(failed) == len(targets):
            raise failed[0]
        return out

    async def originate(self, timeout: float = 30.0, **fields: object) -> dict[str, str]:
        """Originate on the current event's node, else the first connected node."""
        return await self._default().originate(timeout, **fields)


def client_factory(username: str, secret: str, **options: Any) -> ClientFactory:
    """Build ``AmiClient``s for the cluster with one set of credentials."""

    def make(host: str, port: int) -> AmiClient:
        return AmiClient(host, port, username, secret, **options)

    return make
