"""The live-event hub: fan-out of workspace events to websocket subscribers.

``publish`` is synchronous and never waits: it serialises a message once and puts it on each
matching subscriber's bounded queue. A subscriber whose queue is full (a slow or stalled
browser) is cut off and told to reconnect; it never slows the others or the AMI reader. A
reconnecting console gets a fresh snapshot (state and any ringing call) from the tracker.

Scoping: a subscriber belongs to one tenant (from its token, never from what it asks for) and
sees either one agent's events (agents) or all agents of its tenant (tenant admins).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Subscriber:
    """One websocket client."""

    tenant_id: str
    extension: str | None  # None: every agent of the tenant (supervisor view)
    queue: asyncio.Queue[tuple[str, float | None]]  # (JSON text, AMI read time of a pop)
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)
    on_overflow: Callable[[], object] | None = None  # e.g. cancel the socket's writer

    def wants(self, extension: str | None) -> bool:
        """Whether a message about ``extension`` (None: tenant-wide) is for this subscriber."""
        return self.extension is None or extension is None or extension == self.extension


class Hub:
    """Tenant-scoped subscribers and a non-blocking publish."""

    def __init__(
        self, queue_size: int = 256, on_pop_written: Callable[[float], None] | None = None
    ) -> None:
        self._queue_size = queue_size
        self._on_pop_written = on_pop_written  # metrics: one pop delivered, its delay
        self._by_tenant: dict[str, set[Subscriber]] = {}
        self.dropped = 0
        self.published = 0
        # AMI event read -> pop written to the client's socket, seconds (bench figures).
        self.pop_write_delays: deque[float] = deque(maxlen=100_000)

    def subscribe(self, tenant_id: str, extension: str | None) -> Subscriber:
        """Register a subscriber; the caller must ``unsubscribe`` it when the socket closes."""
        sub = Subscriber(tenant_id, extension, asyncio.Queue(self._queue_size))
        self._by_tenant.setdefault(tenant_id, set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        """Forget a subscriber (idempotent)."""
        subs = self._by_tenant.get(sub.tenant_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._by_tenant[sub.tenant_id]

    def counts(self) -> dict[str, int]:
        """Subscribers per tenant."""
        return {t: len(s) for t, s in self._by_tenant.items()}

    def count(self, tenant_id: str | None = None) -> int:
        """Subscribers of one tenant, or of all."""
        if tenant_id is not None:
            return len(self._by_tenant.get(tenant_id, ()))
        return sum(len(s) for s in self._by_tenant.values())

    def publish(
        self,
        tenant_id: str,
        extension: str | None,
        message: Mapping[str, Any],
        *,
        tenant_wide_only: bool = False,
    ) -> int:
        """Queue ``message`` for the tenant's matching subscribers; returns how many got it.

        ``tenant_wide_only``: only subscribers who see the whole tenant (admins, supervisors),
        never agents' consoles (the wallboard is not theirs, and at scale it would flood them).
        """
        subs = self._by_tenant.get(tenant_id)
        if not subs:
            return 0
        if tenant_wide_only:
            subs = {s for s in subs if s.extension is None}
            if not subs:
                return 0
        data = json.dumps({**message, "sent_at": time.time()}, separators=(",", ":"))
        ami_at = message.get("ami_at") if message.get("type") == "call.ringing" else None
        item = (data, ami_at if isinstance(ami_at, float) else None)
        delivered = 0
        for sub in subs:
            if not sub.wants(extension) or sub.overflowed.is_set():
                continue
            try:
                sub.queue.put_nowait(item)
            except asyncio.QueueFull:
                # Too slow to keep up: cut it off rather than buffer without bound. It will
                # reconnect and get a snapshot.
                sub.overflowed.set()
                self.dropped += 1
                if sub.on_overflow is not None:
                    sub.on_overflow()
                continue
            delivered += 1
        self.published += delivered
        return delivered

    def offer(self, sub: Subscriber, message: Mapping[str, Any]) -> bool:
        """Queue one message for one subscriber (snapshots, replies); False when full."""
        try:
            sub.queue.put_nowait((json.dumps(message, separators=(",", ":")), None))
        except asyncio.QueueFull:
            return False
        return True

    def written(self, ami_at: float | None) -> None:
        """A message left for the client's socket (records the pop delay)."""
        if ami_at is not None:
            delay = time.time() - ami_at
            self.pop_write_delays.append(delay)
            if self._on_pop_written is not None:
                self._on_pop_written(delay)
