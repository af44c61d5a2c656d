"""The live-event hub: fan-out of workspace events to websocket subscribers.

``publish`` is synchronous and never waits: it serialises a message once and puts it on each
matching subscriber's bounded queue. A subscriber whose queue is full (a slow or stalled
browser) is cut off and told to reconnect; it never slows the others or the AMI reader. A
reconnecting console gets a fresh snapshot (state and any ringing call) from the tracker.

Batching: a client that asks for it when it authenticates (the supervisor board) gets every
message already queued when its writer wakes up in one frame, ``{"type": "batch",
"messages": [...]}`` (``drain_ready``, ``batch_frame``). A burst published in one loop turn
(200 agents pausing at once) then crosses the socket as one frame and is applied by the page
in one task, instead of 200 frames the browser takes one task (and maybe one redraw) each.
Nothing waits to fill a batch: a lone message leaves as itself, at once.

Scoping: a subscriber belongs to one tenant (from its token, never from what it asks for) and
sees either one agent's events (agents), all agents of its tenant (tenant admins,
supervisors), or a restricted supervisor's agents only (``agents``: no tenant-wide messages).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# A batch frame takes no more messages once this many characters long (the rest leave next).
BATCH_MAX_CHARS = 256 * 1024

QueueItem = tuple[str, float | None]  # (JSON text, AMI read time of a pop)


def batch_frame(texts: Sequence[str]) -> str:
    """One frame for messages taken together: a lone message as itself, else
    ``{"type":"batch","messages":[...]}`` (the texts are JSON already: joined, not re-encoded)."""
    if len(texts) == 1:
        return texts[0]
    return '{"type":"batch","messages":[' + ",".join(texts) + "]}"


def drain_ready(
    queue: asyncio.Queue[QueueItem], first: QueueItem, max_chars: int = BATCH_MAX_CHARS
) -> list[QueueItem]:
    """``first`` and the items already waiting behind it, in order, until ``max_chars`` of
    text is reached (the last one taken may cross it). Never waits."""
    items = [first]
    size = len(first[0])
    while size < max_chars and not queue.empty():
        item = queue.get_nowait()
        items.append(item)
        size += len(item[0])
    return items


@dataclass(eq=False)
class Subscriber:
    """One websocket client."""

    tenant_id: str
    extension: str | None  # None: every agent of the tenant (supervisor view)
    queue: asyncio.Queue[QueueItem]
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)
    on_overflow: Callable[[], object] | None = None  # e.g. cancel the socket's writer
    # A supervisor restricted to some queues: only these agents' messages, and no
    # tenant-wide ones (the board sends it its own queues' figures, see quality.live).
    agents: frozenset[str] | None = None
    queues: frozenset[str] | None = None
    batch: bool = False  # messages queued together leave in one frame (see batch_frame)

    def wants(self, extension: str | None) -> bool:
        """Whether a message about ``extension`` (None: tenant-wide) is for this subscriber."""
        if self.agents is not None:
            return extension is not None and extension in self.agents
        return self.extension is None or extension is None or extension == self.extension


class Hub:
    """Tenant-scoped subscribers and a non-blocking publish."""

    def __init__(
        self, queue_size: int = 256, on_pop_written: Callable[[float], None] | None = None
    ) -> None:
        self._queue_size = queue_size
        self._on_pop_written = on_pop_written  # metrics: one pop delivered, its delay
        self._by_tenant: dict[str, set[Subscriber]] = {}
        # The same subscribers indexed for publish: a message about one agent goes to the
        # tenant's wide subscribers and that agent's consoles, never through all of them.
        self._wide: dict[str, set[Subscriber]] = {}
        self._by_agent: dict[tuple[str, str], set[Subscriber]] = {}
        self.dropped = 0
        self.published = 0
        # AMI event read -> pop written to the client's socket, seconds (bench figures).
        self.pop_write_delays: deque[float] = deque(maxlen=100_000)

    def subscribe(
        self,
        tenant_id: str,
        extension: str | None,
        *,
        agents: frozenset[str] | None = None,
        queues: frozenset[str] | None = None,
        batch: bool = False,
    ) -> Subscriber:
        """Register a subscriber; the caller must ``unsubscribe`` it when the socket closes.

        ``agents``/``queues``: a restricted supervisor's scope (None: the whole tenant);
        ``batch``: the client takes batch frames."""
        sub = Subscriber(
            tenant_id,
            extension,
            asyncio.Queue(self._queue_size),
            agents=agents,
            queues=queues,
            batch=batch,
        )
        self._by_tenant.setdefault(tenant_id, set()).add(sub)
        self._index(sub).setdefault(self._index_key(sub), set()).add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        """Forget a subscriber (idempotent)."""
        _discard(self._by_tenant, sub.tenant_id, sub)
        _discard(self._index(sub), self._index_key(sub), sub)

    def _index(self, sub: Subscriber) -> dict[Any, set[Subscriber]]:
        return self._wide if sub.extension is None else self._by_agent

    @staticmethod
    def _index_key(sub: Subscriber) -> Any:
        return sub.tenant_id if sub.extension is None else (sub.tenant_id, sub.extension)

    def tenant_wide(self, tenant_id: str) -> list[Subscriber]:
        """The tenant's subscribers that watch all (or a supervisor's share of) its agents."""
        return list(self._wide.get(tenant_id, ()))

    def watches_tenant(self, tenant_id: str) -> bool:
        """Whether anyone gets the tenant's tenant-wide-only messages (its wallboard)."""
        return any(s.agents is None for s in self._wide.get(tenant_id, ()))

    def tenants(self) -> list[str]:
        """Tenants with at least one subscriber."""
        return list(self._by_tenant)

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
        subs: Collection[Subscriber]
        if tenant_wide_only:
            subs = [s for s in self._wide.get(tenant_id, ()) if s.agents is None]
        elif extension is None:
            subs = self._by_tenant.get(tenant_id, ())
        else:
            subs = [
                *self._wide.get(tenant_id, ()),
                *self._by_agent.get((tenant_id, extension), ()),
            ]
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


def _discard(index: dict[Any, set[Subscriber]], key: Any, sub: Subscriber) -> None:
    subs = index.get(key)
    if subs is not None:
        subs.discard(sub)
        if not subs:
            del index[key]
