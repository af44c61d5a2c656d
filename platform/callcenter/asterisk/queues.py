"""Queues held in each node's memory, reloaded queue by queue when their rows change.

app_queue loads ``queues.conf`` from PostgreSQL (static realtime: the ``cc_queues_conf`` view,
migration 0028) when it starts, and then never reads a queue at a caller's join, as it did
when queues were realtime (the queue's row and one row per member, every call). The
rows stay the truth: a trigger notifies ``cc_queues`` with the name of every queue whose
definition or members changed, and this reloads just those queues on every node
(``QueueReload``). A node that (re)connects, or a listener that reconnects (changes may have
been missed), reloads them all.

An API that changed a queue answers only once the nodes hold the change (``applied``), so a
call placed the moment after the answer finds it: a barrier notified on the same channel
after the change committed arrives after the change's own notification (PostgreSQL
delivers notifications in commit order), and is released once that batch is reloaded.

A reload keeps an existing member's pause as app_queue holds it, so a pause is not a row
change here: the control plane pauses a seat on every node (``QueuePause``), and a node that
reconnects has its members' pauses compared with the rows and corrected.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from callcenter.ami.cluster import AmiCluster
from callcenter.ami.events import AsteriskBooted, DomainEvent
from callcenter.db.listen import MISSED, listen_forever
from callcenter.db.pool import connection
from callcenter.errors import DomainError
from callcenter.tasks import cancel_and_wait, start_named

log = logging.getLogger(__name__)

CHANNEL = "cc_queues"
ALL = "*"  # the trigger's payload on TRUNCATE, and ours for "every queue"
BARRIER = "!"  # prefix of ``applied``'s payloads; no queue name holds it
APPLIED_WAIT_S = 3.0


class QueueSync:
    """Listens for ``cc_queues`` and reloads the changed queues on every node."""

    def __init__(self, pool: Any, ami: AmiCluster, dsn: str) -> None:
        self._pool = pool
        self._ami = ami
        self._dsn = dsn
        self._changed: set[str] = set()  # queue names, or ALL
        self._booted: set[str] = set()  # nodes to reload entirely and reconcile
        self._barriers: set[str] = set()  # barrier payloads seen, released after the batch
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        ami.on_node_event(self._on_event)

    async def start(self) -> None:
        """Start listening and applying."""
        self._tasks.update(
            start_named(
                (listen_forever(self._dsn, CHANNEL, self._note), "queues-listener"),
                (self._apply(), "queues-apply"),
            )
        )

    async def stop(self) -> None:
        """Cancel and await the tasks started by ``start``."""
        await cancel_and_wait(self._tasks)
        self._tasks.clear()

    async def applied(self, timeout: float = APPLIED_WAIT_S) -> bool:
        """Wait until every queue change committed before this call is loaded on every
        connected node; False if that took longer than ``timeout`` (the change still
        lands: the listener or a reconnection reloads it)."""
        token = f"{BARRIER}{uuid.uuid4().hex}"
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[token] = done
        try:
            async with connection(self._pool) as conn:
                await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, token)
            await asyncio.wait_for(done, timeout)
            return True
        except TimeoutError:
            log.warning("queue changes not confirmed on the nodes within %.1f s", timeout)
            return False
        finally:
            self._waiting.pop(token, None)

    def _note(self, payload: str) -> None:
        if payload.startswith(BARRIER):
            self._barriers.add(payload)
        else:
            self._changed.add(ALL if payload in (MISSED, ALL) else payload)
        self._wake.set()

    async def _on_event(self, node: str, event: DomainEvent) -> None:
        # Runs in the AMI dispatch task: only note it, the apply task does the work.
        if isinstance(event, AsteriskBooted):
            self._booted.add(node)
            self._wake.set()

    async def _apply(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            booted, self._booted = self._booted, set()
            changed, self._changed = self._changed, set()
            barriers, self._barriers = self._barriers, set()
            for node in sorted(booted):
                await self._resync(node)
            if changed:
                await self._reload_everywhere(changed, skip=booted)
            for token in barriers:  # every change notified before it is loaded now
                waiter = self._waiting.get(token)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)

    async def _reload_everywhere(self, names: set[str], skip: set[str]) -> None:
        targets = [n for n in self._ami.nodes if self._ami.node_connected(n) and n not in skip]
        for node in targets:
            try:
                await self.reload(node, None if ALL in names else sorted(names))
            except DomainError as exc:
                # Its reconnection (AsteriskBooted) reloads everything anyway.
                log.warning("queues not reloaded on %s: %s", node, exc.message)

    async def reload(self, node: str, names: list[str] | None) -> None:
        """Reload ``names`` (every queue if None) from PostgreSQL on ``node``: parameters
        and members; ``general`` comes with the parameters, as app_queue requires."""
        client = self._ami.client(node)
        if names is None:
            await client.action("QueueReload", 30.0, Members="yes", Parameters="yes")
        for name in names or []:
            await client.action("QueueReload", 30.0, Queue=name, Members="yes", Parameters="yes")

    async def _resync(self, node: str) -> None:
        """Everything on a node that was away: all queues, then members' pauses."""
        try:
            await self.reload(node, None)
            await self.reconcile_pauses(node)
        except DomainError as exc:
            log.warning("queues of %s not re-synced: %s", node, exc.message)

    async def reconcile_pauses(self, node: str) -> int:
        """Pause or unpause each member of ``node`` whose pause differs from its row;
        returns how many were corrected."""
        async with connection(self._pool) as conn:
            rows = await conn.fetch("SELECT queue_name, interface, paused FROM queue_members")
        wanted = {(r["queue_name"], r["interface"]): bool(r["paused"]) for r in rows}
        client = self._ami.client(node)
        fixed = 0
        for item in await client.action_list("QueueStatus"):
            if item.get("Event") != "QueueMember":
                continue
            key = (item.get("Queue", ""), item.get("Location", ""))
            held = item.get("Paused") == "1"
            if key in wanted and wanted[key] != held:
                await client.action(
                    "QueuePause",
                    Queue=key[0],
                    Interface=key[1],
                    Paused="true" if wanted[key] else "false",
                )
                fixed += 1
        if fixed:
            log.info("corrected %d members' pause on %s", fixed, node)
        return fixed
