"""Placing callback stand-ins in queues.

The dialplan stores each request in ``callbacks`` (so a request survives any restart) and
raises a ``CcCallbackRequested`` user event. For each waiting request we originate
``Local/cb<id>@cc-callback-wait/n``: its second half joins the queue at the caller's old
position; when an agent takes it, its first half runs ``cc-callback-dial`` and calls the
customer through ``cc-outbound`` (the tenant's outbound policy and caps apply). Requests
whose stand-in vanished (Asterisk restarted) are placed again at the next re-sync.

Keeping the place: stand-ins are placed one at a time, oldest request first, each at the
position just behind every entry of the queue that reached the platform before its caller
did (arrival order is the order of channel uniqueids), and each is seen in the queue before
the next is placed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from callcenter.ami.cluster import AmiCluster
from callcenter.ami.events import AsteriskBooted, CallbackRequested, DomainEvent
from callcenter.db.pool import connection
from callcenter.errors import DomainError
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)

# How long a stand-in may wait in its queue for an agent (Asterisk's Originate timeout).
WAIT_LIMIT_MS = 2 * 3600 * 1000


def arrival(uniqueid: str) -> tuple[int, int]:
    """Order of arrival from a channel uniqueid ``<system>-<epoch>.<seq>``; unknown last."""
    try:
        epoch, seq = uniqueid.rsplit("-", 1)[-1].split(".")
        return int(epoch), int(seq)
    except ValueError:
        return (2**62, 0)


def _callback_id(channel: str) -> int | None:
    """``Local/cb12@cc-callback-wait-0000001f;2`` -> 12."""
    if not channel.startswith("Local/cb") or "@cc-callback-wait" not in channel:
        return None
    digits = channel[len("Local/cb") :].split("@", 1)[0]
    return int(digits) if digits.isdigit() else None


def stand_in_channel(callback_id: int) -> str:
    """The Local channel that holds a callback's place in the queue."""
    return f"Local/cb{callback_id}@cc-callback-wait/n"


class CallbackDesk:
    """Turns waiting callback requests into queue stand-ins; owns one task per stand-in."""

    def __init__(self, pool: Any, ami: AmiCluster) -> None:
        self._pool = pool
        self._ami = ami
        self._tasks: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()
        ami.on_event(self.handle)

    async def start(self, sweep_s: float = 2.0) -> None:
        """Also place waiting requests every ``sweep_s`` seconds: the stored request is what
        counts, so one whose user event was missed or delayed is still honoured."""

        async def sweep() -> None:
            while True:
                await asyncio.sleep(sweep_s)
                if self._ami.connected:
                    try:
                        await self.place_waiting()
                    except DomainError as exc:
                        log.warning("callback sweep failed: %s", exc.message)

        task = asyncio.ensure_future(sweep())
        task.set_name("callback-sweep")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Stop waiting for stand-ins (they live on in Asterisk)."""
        await cancel_and_wait(list(self._tasks))
        self._tasks.clear()

    async def handle(self, event: DomainEvent) -> None:
        """Place stand-ins on a new request, and after every (re)connect."""
        if isinstance(event, AsteriskBooted):
            await self._requeue_lost()
            await self.place_waiting()
        elif isinstance(event, CallbackRequested):
            await self.place_waiting()

    async def _requeue_lost(self) -> None:
        """Requests marked placed whose stand-in is no longer on any node wait again."""
        live = {
            item.get("Channel", "").split("@")[0].removeprefix("Local/cb")
            for item in await self._ami.action_list("CoreShowChannels")
            if item.get("Channel", "").startswith("Local/cb")
        }
        async with connection(self._pool) as conn:
            await conn.execute(
                "UPDATE callbacks SET status = 'waiting' WHERE status = 'placed'"
                " AND NOT (id::text = ANY($1::text[]))",
                sorted(live),
            )

    async def place_waiting(self) -> None:
        """Place a stand-in for every waiting request, oldest first, one at a time."""
        async with self._lock:
            async with connection(self._pool) as conn:
                rows = await conn.fetch(
                    "UPDATE callbacks SET status = 'placed', placed_at = now()"
                    " WHERE status = 'waiting' RETURNING id, tenant_id, queue, caller_uniqueid"
                )
            for row in sorted(rows, key=lambda r: r["id"]):
                await self._place(row)

    async def _place(self, row: Any) -> None:
        entries = await self._entries(row["tenant_id"], row["queue"])
        stand_ins = {cid for cid in (_callback_id(e.get("Channel", "")) for e in entries) if cid}
        async with connection(self._pool) as conn:
            origins = {
                r["id"]: r["caller_uniqueid"]
                for r in await conn.fetch(
                    "SELECT id, caller_uniqueid FROM callbacks WHERE id = ANY($1::bigint[])",
                    sorted(stand_ins),
                )
            }
            mine = arrival(row["caller_uniqueid"])
            ahead = 0
            for entry in entries:
                cid = _callback_id(entry.get("Channel", ""))
                uid = origins.get(cid, "") if cid else entry.get("Uniqueid", "")
                if arrival(uid) < mine:
                    ahead += 1
            await conn.execute(
                "UPDATE callbacks SET position = $2 WHERE id = $1", row["id"], ahead + 1
            )
        task = asyncio.ensure_future(self._stand_in(row["id"], row["tenant_id"]))
        task.set_name(f"callback-{row['id']}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # Wait (briefly) until it holds its place, so the next one counts it.
        for _ in range(60):
            entries = await self._entries(row["tenant_id"], row["queue"])
            if any(_callback_id(e.get("Channel", "")) == row["id"] for e in entries):
                return
            if task.done():
                return
            await asyncio.sleep(0.05)

    async def _entries(self, tenant_id: str, queue: str) -> list[dict[str, str]]:
        # The tenant's queues are on its home node, where the stand-in joins.
        items = await self._ami.for_tenant(tenant_id).action_list("QueueStatus", Queue=queue)
        return [i for i in items if i.get("Event") == "QueueEntry"]

    async def _stand_in(self, callback_id: int, tenant_id: str) -> None:
        status = "called"
        try:
            await self._ami.for_tenant(tenant_id).originate(
                timeout=WAIT_LIMIT_MS / 1000 + 60,
                Channel=stand_in_channel(callback_id),
                Context="cc-callback-dial",
                Exten=f"cb{callback_id}",
                Priority=1,
                Timeout=WAIT_LIMIT_MS,
                Variable=f"TENANT={tenant_id}",
            )
        except (DomainError, TimeoutError) as exc:
            log.warning("callback %s not completed: %s", callback_id, exc)
            status = "failed"
        async with connection(self._pool) as conn:
            await conn.execute(
                "UPDATE callbacks SET status = $2, done_at = now()"
                " WHERE id = $1 AND status = 'placed'",
                callback_id,
                status,
            )
