"""The live workspace's runtime: feeds the pure core and performs the effects it returns.

``on_raw`` runs synchronously inside the AMI reader for every event, so it must be quick and
never wait: it steps the core, publishes to the hub (non-blocking) and hands slow work (CRM
lookup, queue wrap-up time, figures, webhooks) to owned tasks, whose results are fed back to
the core as events. The pop therefore leaves for the browser within microseconds of the AMI
event being read; the CRM record follows as ``call.contact``. This is the only part of the
workspace that touches PostgreSQL, the CRM or webhooks. (The agent may transfer its queue
calls by the Queue() option ``t`` in the dialplan, not by a Setvar from here.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Mapping
from typing import Any

from callcenter.db.notified import NotifiedCache
from callcenter.db.pool import connection
from callcenter.errors import DomainError, NotFound
from callcenter.workspace import repo
from callcenter.workspace.core import (
    AgentRef,
    AgentSaved,
    CompletionReady,
    CoreEvent,
    Effect,
    Enrich,
    Enriched,
    Publish,
    PushFigures,
    ReadWrapupThenComplete,
    StartWrapupTimer,
    Webhook,
    WorkspaceCore,
    WrapupRead,
    WrapupTimerFired,
)
from callcenter.workspace.crm import CrmLookup
from callcenter.workspace.events import to_workspace_event
from callcenter.workspace.hub import Hub
from callcenter.workspace.state import AgentState
from callcenter.workspace.webhooks import WebhookSender

log = logging.getLogger(__name__)

FIGURES_DELAY_S = 0.5  # cdr_pgsql writes the record just after the hangup
TIMER_SLACK_S = 0.05  # the tick lands after the wrap-up end, never on its edge


class LiveWorkspace:
    """The live agent workspace: AMI in, hub/webhooks/CRM out, the core in between."""

    def __init__(
        self,
        pool: Any,
        hub: Hub,
        crm: CrmLookup | None = None,
        webhooks: WebhookSender | None = None,
        wrapups: NotifiedCache[tuple[str, str], int] | None = None,
    ) -> None:
        self._pool = pool
        self._wrapups = wrapups  # None: read from the database every time
        self.hub = hub
        self._crm = crm
        self._webhooks = webhooks
        self.core = WorkspaceCore()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._stopped = False

    # ------------------------------------------------------------------ lifecycle
    async def load(self) -> None:
        """Load the agent directory and stored presence from PostgreSQL."""
        async with connection(self._pool) as conn:
            rows = await repo.agent_directory(conn)
        now = time.time()
        for r in rows:
            state = AgentState(
                logged_in=r["logged_in"],
                paused=r["paused"],
                pause_reason=r["pause_reason"],
                since=now,
            )
            self.core.step(AgentSaved(ref_of_row(r), state), now)

    async def stop(self) -> None:
        """Cancel owned tasks and timers; later AMI events are ignored."""
        self._stopped = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """Run ``coro`` as a task owned (and cancelled on stop) by the workspace."""
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("workspace task %s failed", task.get_name(), exc_info=task.exception())

    # ------------------------------------------------------------------ input
    def on_raw(self, fields: Mapping[str, str]) -> None:
        """Every raw AMI event; synchronous and quick (runs in the AMI reader)."""
        if self._stopped:
            return
        event = to_workspace_event(fields)
        if event is not None:
            self.feed(event)

    def feed(self, event: CoreEvent, now: float | None = None) -> None:
        """Step the core with one event and perform its effects (console commands too)."""
        at = time.time() if now is None else now
        for effect in self.core.step(event, at):
            self._perform(effect)

    # ------------------------------------------------------------------ reading
    def agent(self, endpoint: str) -> AgentRef | None:
        """The agent of a seat, if the directory has it."""
        return self.core.agents.get(endpoint)

    async def agent_of_user(self, tenant_id: str, user_id: int) -> AgentRef:
        """The agent a user of the tenant is (NotFound when it has no agent profile)."""
        for ref in self.core.agents.values():
            if ref.user_id == user_id and ref.tenant_id == tenant_id:
                return ref
        async with connection(self._pool) as conn:
            row = await repo.agent_of_user(conn, tenant_id, user_id)
        if row is None:
            raise NotFound("no agent profile for this user")
        ref = ref_of_row(row)
        self.feed(AgentSaved(ref))
        return ref

    def state_of(self, endpoint: str) -> AgentState:
        """The agent's current state."""
        return self.core.state_of(endpoint)

    def states_of_tenant(self, tenant_id: str) -> list[AgentState]:
        """The current state of every agent of the tenant."""
        core = self.core
        return [core.state_of(ep) for ep, ref in core.agents.items() if ref.tenant_id == tenant_id]

    def pop_of(self, endpoint: str) -> dict[str, Any] | None:
        """The pop on the agent's console (ringing, in progress, or ended and kept for notes)."""
        return self.core.pops.get(endpoint)

    def channel_of(self, endpoint: str) -> str | None:
        """The agent's answered channel (what a transfer moves)."""
        return self.core.channels.get(endpoint)

    def logged_out_endpoints(self) -> set[str]:
        """Seats whose agents are logged out (UNAVAILABLE to app_queue)."""
        return self.core.logged_out_endpoints()

    def state_message(self, endpoint: str) -> dict[str, Any]:
        """``agent.state`` of the agent now."""
        return self.core.state_message(endpoint, time.time())

    def snapshot(self, tenant_id: str, extension: str | None) -> list[dict[str, Any]]:
        """Messages that bring a (re)connecting console up to date, ringing call included."""
        return self.core.snapshot(tenant_id, extension, time.time())

    async def figures(self, ref: AgentRef) -> dict[str, Any]:
        """Today's figures of an agent."""
        async with connection(self._pool) as conn:
            row = await repo.today_figures(conn, ref.tenant_id, ref.endpoint)
        return {
            "agent": ref.extension,
            "answered": row["answered"],
            "talk_s": row["talk_s"],
            "missed": row["missed"],
        }

    # ------------------------------------------------------------------ effects
    def _perform(self, effect: Effect) -> None:
        match effect:
            case Publish(tenant_id, extension, message):
                self.hub.publish(tenant_id, extension, message)
            case Webhook(tenant_id, event):
                if self._webhooks is not None:
                    self._webhooks.enqueue(tenant_id, event)
            case Enrich(tenant_id, linkedid, number, queue):
                self.spawn(self._enrich(tenant_id, linkedid, number, queue), f"enrich-{linkedid}")
            case ReadWrapupThenComplete(tenant_id, queue, ready):
                name = f"complete-{ready.linkedid}"
                self.spawn(self._complete_later(tenant_id, queue, ready), name)
            case StartWrapupTimer(endpoint, delay):
                self._start_timer(endpoint, delay)
            case PushFigures(endpoint):
                self.spawn(self._push_figures(endpoint), f"figures-{endpoint}")

    async def _enrich(self, tenant_id: str, linkedid: str, number: str, queue: str) -> None:
        if queue:
            self.feed(WrapupRead(linkedid, await self._wrapup_of(tenant_id, queue)))
        contact: dict[str, Any] | None = None
        status = "not_found"
        if self._crm is not None:
            try:
                contact, status = await self._crm.lookup(tenant_id, number)
            except Exception:  # a CRM failure must never lose the call's pop
                log.exception("CRM lookup failed for %s", tenant_id)
                contact, status = None, "error"
        self.feed(Enriched(linkedid, contact, status))

    async def _complete_later(self, tenant_id: str, queue: str, ready: CompletionReady) -> None:
        wrapup_s = await self._wrapup_of(tenant_id, queue)
        done = CompletionReady(
            ready.endpoint, ready.linkedid, wrapup_s, ready.talk_time, ready.reason, ready.at
        )
        self.feed(done)

    async def _wrapup_of(self, tenant_id: str, queue: str) -> int | None:
        try:
            if self._wrapups is not None:
                return await self._wrapups.get((tenant_id, queue))
            async with connection(self._pool) as conn:
                return await repo.queue_wrapup(conn, tenant_id, queue)
        except DomainError:
            return None

    def _start_timer(self, endpoint: str, delay: float) -> None:
        old = self._timers.pop(endpoint, None)
        if old is not None:
            old.cancel()

        def fire() -> None:
            self._timers.pop(endpoint, None)
            self.feed(WrapupTimerFired(endpoint))

        loop = asyncio.get_running_loop()
        self._timers[endpoint] = loop.call_later(delay + TIMER_SLACK_S, fire)

    async def _push_figures(self, endpoint: str) -> None:
        await asyncio.sleep(FIGURES_DELAY_S)
        ref = self.agent(endpoint)
        if ref is None:
            return
        try:
            figures = await self.figures(ref)
        except DomainError:
            return
        self.hub.publish(ref.tenant_id, ref.extension, {"type": "agent.figures", **figures})


def ref_of_row(row: Mapping[str, Any]) -> AgentRef:
    """An agent row (``agents`` joined with its seat) as the workspace knows it."""
    return AgentRef(
        user_id=row["user_id"],
        tenant_id=row["tenant_id"],
        extension=row["extension"],
        endpoint=row["endpoint_id"],
        name=row["display_name"],
        device=row["device"],
    )
