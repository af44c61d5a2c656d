"""The live agent workspace: AMI queue and call events -> agent states, pops, webhooks.

``on_raw`` runs synchronously inside the AMI reader for every event, so it must be quick and
never wait: it updates in-memory state, publishes to the hub (non-blocking) and hands slow
work (CRM lookup, queue wrap-up time, figures, webhooks) to owned tasks. The pop therefore
leaves for the browser within microseconds of the AMI event being read; the CRM record
follows as ``call.contact``.

Agents are known by their seat's endpoint id (``MemberName`` in queue events) through a
directory loaded from PostgreSQL; an event naming an endpoint that is not an agent, or a
queue of another tenant than the agent's, is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from callcenter.agents import repo as agents_repo
from callcenter.agents.state import (
    AgentEvent,
    AgentState,
    Answered,
    Ended,
    LoggedIn,
    LoggedOut,
    Paused,
    Ringing,
    RingStopped,
    Unpaused,
    apply,
    view,
)
from callcenter.ami.client import AmiClient
from callcenter.asterisk.naming import tenant_of_queue
from callcenter.db.pool import connection
from callcenter.errors import DomainError
from callcenter.screenpop.crm import CrmLookup
from callcenter.screenpop.events import (
    AgentCalled,
    AgentCompleted,
    AgentConnected,
    AgentRingStopped,
    CallerJoined,
    CallerLeft,
    MemberPaused,
    SeatAnswered,
    SeatChannel,
    Waits,
    WorkspaceEvent,
    to_workspace_event,
)
from callcenter.screenpop.hub import Hub
from callcenter.screenpop.payload import (
    contact_pop,
    ringing_pop,
    short_queue,
    waited_seconds,
    webhook_event,
)
from callcenter.screenpop.webhooks import WebhookSender

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AgentRef:
    """An agent as the workspace knows it."""

    user_id: int
    tenant_id: str
    extension: str
    endpoint: str
    name: str
    device: str


@dataclass
class LiveCall:
    """A call ringing or connected to agents of one tenant."""

    tenant_id: str
    linkedid: str
    queue: str  # short name, "" for direct calls
    agents: set[str] = field(default_factory=set)  # endpoints rung
    contact: dict[str, Any] | None = None
    crm_status: str = "pending"
    wrapup_s: int | None = None
    answered_by: str | None = None


class Workspace:
    """In-memory live state of every agent, fed by AMI, read by the websocket hub."""

    def __init__(
        self,
        pool: Any,
        hub: Hub,
        crm: CrmLookup | None = None,
        webhooks: WebhookSender | None = None,
        ami: AmiClient | None = None,
    ) -> None:
        self._pool = pool
        self._ami = ami
        self.hub = hub
        self._crm = crm
        self._webhooks = webhooks
        self.agents: dict[str, AgentRef] = {}
        self.states: dict[str, AgentState] = {}
        self.pops: dict[str, dict[str, Any]] = {}
        self.calls: dict[str, LiveCall] = {}
        self.channels: dict[str, str] = {}  # endpoint -> its answered channel (transfers)
        self._waits = Waits()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self.pop_delays: list[float] = []  # AMI event read -> pop queued, seconds (bench)
        self._stopped = False

    # ------------------------------------------------------------------ lifecycle
    async def load(self) -> None:
        """Load the agent directory and stored presence from PostgreSQL."""
        async with connection(self._pool) as conn:
            rows = await agents_repo.list_agents(conn, None)
        now = time.time()
        for r in rows:
            self.put_agent(_ref(r))
            self.states[r["endpoint_id"]] = AgentState(
                logged_in=r["logged_in"],
                paused=r["paused"],
                pause_reason=r["pause_reason"],
                since=now,
            )

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

    def _spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        """Run ``coro`` as a task owned (and cancelled on stop) by the workspace."""
        self._spawn(coro, name)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("workspace task %s failed", task.get_name(), exc_info=task.exception())

    # ------------------------------------------------------------------ directory
    def put_agent(self, ref: AgentRef) -> None:
        """Add or update an agent (created, device changed)."""
        self.agents[ref.endpoint] = ref
        self.states.setdefault(ref.endpoint, AgentState(since=time.time()))

    def logged_out_endpoints(self) -> set[str]:
        """Seats whose agents are logged out (UNAVAILABLE to app_queue)."""
        return {ep for ep, s in self.states.items() if ep in self.agents and not s.logged_in}

    def state_of(self, endpoint: str) -> AgentState:
        """The agent's current state."""
        return self.states.get(endpoint, AgentState())

    # ------------------------------------------------------------------ AMI input
    def on_raw(self, fields: Mapping[str, str]) -> None:
        """Every raw AMI event; synchronous and quick (runs in the AMI reader)."""
        if self._stopped:
            return
        event = to_workspace_event(fields)
        if event is not None:
            self.handle(event, time.time())

    def handle(self, event: WorkspaceEvent, now: float) -> None:
        """Apply one workspace event."""
        match event:
            case CallerJoined(_, linkedid, _):
                self._waits.join(linkedid, now)
            case AgentCalled():
                self._agent_called(event, now)
            case AgentConnected(member, channel, queue, linkedid, _):
                ref = self._agent(member, queue)
                if ref is not None:
                    self._connected(ref, channel, linkedid, now)
            case AgentCompleted(member, queue, linkedid, talk, _, reason):
                ref = self._agent(member, queue)
                if ref is not None:
                    self._completed(ref, linkedid, now, talk_time=talk, reason=reason)
            case AgentRingStopped(member, queue, linkedid):
                ref = self._agent(member, queue)
                if ref is not None:
                    self._ring_stopped(ref, linkedid, now)
            case CallerLeft(_, linkedid):
                call = self.calls.get(linkedid)
                if call is not None and call.answered_by is None:
                    for ep in list(call.agents):
                        ref = self.agents.get(ep)
                        if ref is not None:
                            self._ring_stopped(ref, linkedid, now)
                    self._end_call(linkedid, "abandoned", now)
                self._waits.forget(linkedid)
            case MemberPaused(member, queue, paused, reason):
                ref = self._agent(member, queue)
                if ref is not None:
                    st = self.state_of(ref.endpoint)
                    if st.paused != paused:
                        self.change(ref, Paused(reason or "break") if paused else Unpaused(), now)
            case SeatChannel():
                self._seat_channel(event, now)
            case SeatAnswered(member, channel, linkedid):
                ref = self.agents.get(member)
                if ref is not None:
                    self.channels[member] = channel
                    st = self.state_of(member)
                    if st.call is None or st.call.linkedid == linkedid:
                        self.change(
                            ref, Answered(linkedid, st.call.queue if st.call else None), now
                        )

    def _agent(self, member: str, queue: str) -> AgentRef | None:
        ref = self.agents.get(member)
        if ref is None or (queue and tenant_of_queue(queue) != ref.tenant_id):
            return None
        return ref

    def _agent_called(self, event: AgentCalled, now: float) -> None:
        ref = self._agent(event.member, event.context.queue)
        if ref is None or not event.context.linkedid:
            return
        ctx = event.context
        queue = short_queue(ref.tenant_id, ctx.queue)
        call = self.calls.get(ctx.linkedid)
        new_call = call is None
        if call is None:
            call = LiveCall(ref.tenant_id, ctx.linkedid, queue)
            self.calls[ctx.linkedid] = call
        call.agents.add(ref.endpoint)
        pop = ringing_pop(
            ref.tenant_id,
            ref.extension,
            ctx,
            agent_channel=event.agent_channel,
            waited_s=waited_seconds(ctx, self._waits.joined.get(ctx.linkedid), now),
            ami_at=now,
        )
        if event.stamp is not None:
            pop["ast_at"] = event.stamp
        if call.crm_status != "pending":
            pop = {**pop, "contact": call.contact, "crm": {"status": call.crm_status}}
        self.pops[ref.endpoint] = pop
        self.hub.publish(ref.tenant_id, ref.extension, pop)
        self.pop_delays.append(time.time() - now)
        if len(self.pop_delays) > 100_000:
            del self.pop_delays[:50_000]
        self.change(ref, Ringing(ctx.linkedid, queue or None), now)
        if self._webhooks is not None:
            self._webhooks.enqueue(ref.tenant_id, webhook_event("call.ringing", pop))
        if new_call:
            self._spawn(self._enrich(call, ctx.caller_number), f"enrich-{ctx.linkedid}")
            if event.caller_channel and self._ami is not None:
                self._spawn(self._allow_transfer(event.caller_channel), f"xfer-{ctx.linkedid}")

    async def _allow_transfer(self, caller_channel: str) -> None:
        # Lowercase 't' in the caller's BRIDGE_FEATURES lets the callee (the agent) transfer:
        # AMI Atxfer works through that bridge feature. The caller gets nothing.
        assert self._ami is not None
        try:
            await self._ami.action(
                "Setvar", Channel=caller_channel, Variable="BRIDGE_FEATURES", Value="t"
            )
        except DomainError as exc:
            log.info("transfer feature not set on %s: %s", caller_channel, exc.message)

    async def _enrich(self, call: LiveCall, number: str) -> None:
        if call.queue and call.wrapup_s is None:
            call.wrapup_s = await self._wrapup_of(call.tenant_id, call.queue)
        contact: dict[str, Any] | None = None
        status = "not_found"
        if self._crm is not None:
            try:
                contact, status = await self._crm.lookup(call.tenant_id, number)
            except Exception:  # a CRM failure must never lose the call's pop
                log.exception("CRM lookup failed for %s", call.tenant_id)
                contact, status = None, "error"
        call.contact, call.crm_status = contact, status
        message = contact_pop(call.linkedid, contact, status)
        for ep in call.agents:
            pop = self.pops.get(ep)
            if pop is not None and pop.get("linkedid") == call.linkedid:
                self.pops[ep] = {**pop, "contact": contact, "crm": {"status": status}}
                self.hub.publish(call.tenant_id, self.agents[ep].extension, message)

    async def _wrapup_of(self, tenant_id: str, queue: str) -> int | None:
        try:
            async with connection(self._pool) as conn:
                return await agents_repo.queue_wrapup(conn, tenant_id, queue)
        except DomainError:
            return None

    def _connected(self, ref: AgentRef, channel: str, linkedid: str, now: float) -> None:
        call = self.calls.get(linkedid)
        self.channels[ref.endpoint] = channel
        st = self.state_of(ref.endpoint)
        self.change(ref, Answered(linkedid, st.call.queue if st.call else None), now)
        pop = self.pops.get(ref.endpoint)
        if pop is not None and pop.get("linkedid") == linkedid:
            self.pops[ref.endpoint] = {**pop, "answered": True}
        self.hub.publish(
            ref.tenant_id, ref.extension, {"type": "call.answered", "linkedid": linkedid}
        )
        if call is not None:
            call.answered_by = ref.endpoint
            for ep in list(call.agents - {ref.endpoint}):
                other = self.agents.get(ep)
                if other is not None:
                    self._ring_stopped(other, linkedid, now)
            if self._webhooks is not None and pop is not None:
                self._webhooks.enqueue(
                    ref.tenant_id, webhook_event("call.answered", pop, answered_at=now)
                )

    def _completed(
        self, ref: AgentRef, linkedid: str, now: float, *, talk_time: int, reason: str
    ) -> None:
        call = self.calls.get(linkedid)
        if call is not None and call.queue and call.wrapup_s is None:
            # The wrap-up time is not known yet (lookup still running or failed): fetch it.
            self._spawn(
                self._complete_later(ref, call, now, talk_time, reason), f"complete-{linkedid}"
            )
            return
        wrapup = call.wrapup_s if call is not None and call.wrapup_s is not None else 0
        self._finish(ref, linkedid, wrapup, now, talk_time, reason)

    async def _complete_later(
        self, ref: AgentRef, call: LiveCall, now: float, talk_time: int, reason: str
    ) -> None:
        call.wrapup_s = await self._wrapup_of(call.tenant_id, call.queue)
        self._finish(ref, call.linkedid, call.wrapup_s or 0, now, talk_time, reason)

    def _finish(
        self, ref: AgentRef, linkedid: str, wrapup: int, now: float, talk_time: int, reason: str
    ) -> None:
        pop = self.pops.get(ref.endpoint)
        self.change(ref, Ended(linkedid, wrapup), now)
        self.hub.publish(
            ref.tenant_id,
            ref.extension,
            {
                "type": "call.ended",
                "linkedid": linkedid,
                "talk_s": talk_time,
                "reason": reason,
                "wrapup_s": wrapup,
            },
        )
        if wrapup > 0:
            self._schedule_tick(ref, wrapup)
        if self._webhooks is not None and pop is not None and pop.get("linkedid") == linkedid:
            self._webhooks.enqueue(
                ref.tenant_id,
                webhook_event("call.ended", pop, talk_s=talk_time, ended_by=reason),
            )
        self._end_call(linkedid, "completed", now)
        self._spawn(self.push_figures(ref), f"figures-{ref.endpoint}")

    def _ring_stopped(self, ref: AgentRef, linkedid: str, now: float) -> None:
        st = self.state_of(ref.endpoint)
        if st.call is None or st.call.linkedid != linkedid or st.call.phase != "ringing":
            return
        self.change(ref, RingStopped(linkedid), now)
        pop = self.pops.get(ref.endpoint)
        if pop is not None and pop.get("linkedid") == linkedid:
            del self.pops[ref.endpoint]
        self.hub.publish(
            ref.tenant_id, ref.extension, {"type": "call.stopped", "linkedid": linkedid}
        )

    def _seat_channel(self, event: SeatChannel, now: float) -> None:
        ref = self.agents.get(event.member)
        if ref is None:
            return
        st = self.state_of(ref.endpoint)
        if event.up:
            pop = self.pops.get(ref.endpoint)
            if pop is not None and pop.get("type") == "call.outbound" and not pop["linkedid"]:
                # Click-to-call: the agent's leg is the call; its linkedid keys the note.
                pop = {**pop, "linkedid": event.linkedid, "agent_channel": event.channel}
                self.pops[ref.endpoint] = pop
                self.hub.publish(ref.tenant_id, ref.extension, pop)
            return
        if self.channels.get(ref.endpoint) == event.channel:
            del self.channels[ref.endpoint]
        if st.call is None or st.call.linkedid != event.linkedid:
            return
        if st.call.phase == "ringing":
            pop = self.pops.get(ref.endpoint)
            if pop is None or pop.get("agent_channel") in ("", event.channel):
                self._ring_stopped(ref, event.linkedid, now)
        elif st.call.queue is None:
            # A direct or click-to-call call: no AgentComplete will come.
            self.change(ref, Ended(event.linkedid, 0), now)
            self.hub.publish(
                ref.tenant_id, ref.extension, {"type": "call.ended", "linkedid": event.linkedid}
            )
            self.pops.pop(ref.endpoint, None)
            self._spawn(self.push_figures(ref), f"figures-{ref.endpoint}")

    def _end_call(self, linkedid: str, _why: str, _now: float) -> None:
        call = self.calls.pop(linkedid, None)
        self._waits.forget(linkedid)
        if call is None:
            return
        for ep in call.agents:
            pop = self.pops.get(ep)
            if pop is not None and pop.get("linkedid") == linkedid:
                # Kept for the note form until the next call; marked ended.
                self.pops[ep] = {**pop, "ended": True}

    def outbound(self, ref: AgentRef, number: str, contact: dict[str, Any] | None) -> None:
        """Click-to-call started: pop the contact being called on the agent's console."""
        pop: dict[str, Any] = {
            "type": "call.outbound",
            "tenant": ref.tenant_id,
            "agent": ref.extension,
            "linkedid": None,
            "direction": "outbound",
            "caller": {"number": number, "name": contact["name"] if contact else ""},
            "did": "",
            "queue": "",
            "ivr_keys": [],
            "waited_s": 0,
            "agent_channel": "",
            "contact": contact,
            "crm": {"status": "found" if contact else "not_found"},
            "ami_at": time.time(),
        }
        self.pops[ref.endpoint] = pop
        self.hub.publish(ref.tenant_id, ref.extension, pop)

    def outbound_failed(self, ref: AgentRef, number: str, reason: str) -> None:
        """Click-to-call could not reach the agent (no answer, no contact)."""
        pop = self.pops.get(ref.endpoint)
        if pop is not None and pop.get("type") == "call.outbound":
            del self.pops[ref.endpoint]
        self.hub.publish(
            ref.tenant_id,
            ref.extension,
            {"type": "call.failed", "number": number, "reason": str(reason)[:200]},
        )

    # ------------------------------------------------------------------ presence
    def change(self, ref: AgentRef, event: AgentEvent, now: float | None = None) -> AgentState:
        """Apply a presence or call event to an agent and publish the new state."""
        at = time.time() if now is None else now
        before = self.state_of(ref.endpoint)
        after = apply(before, event, at)
        self.states[ref.endpoint] = after
        if after != before:
            self.hub.publish(ref.tenant_id, ref.extension, self.state_message(ref, at))
        return after

    def end_wrapup(self, ref: AgentRef) -> None:
        """The agent finished wrap-up early."""
        st = self.state_of(ref.endpoint)
        if st.wrapup_until is not None:
            self.states[ref.endpoint] = replace(st, wrapup_until=None, since=time.time())
            self.hub.publish(ref.tenant_id, ref.extension, self.state_message(ref))

    def state_message(self, ref: AgentRef, now: float | None = None) -> dict[str, Any]:
        """``agent.state`` for the console."""
        at = time.time() if now is None else now
        return {
            "type": "agent.state",
            "agent": ref.extension,
            **view(self.state_of(ref.endpoint), at),
        }

    def _schedule_tick(self, ref: AgentRef, delay: float) -> None:
        loop = asyncio.get_running_loop()
        old = self._timers.pop(ref.endpoint, None)
        if old is not None:
            old.cancel()

        def tick() -> None:
            self._timers.pop(ref.endpoint, None)
            self.hub.publish(ref.tenant_id, ref.extension, self.state_message(ref))

        self._timers[ref.endpoint] = loop.call_later(delay + 0.05, tick)

    def presence_events(self, logged_in: bool, paused: bool, reason: str) -> list[AgentEvent]:
        """The events that take an agent to this presence."""
        events: list[AgentEvent] = [LoggedIn() if logged_in else LoggedOut()]
        if logged_in:
            events.append(Paused(reason) if paused else Unpaused())
        return events

    async def push_figures(self, ref: AgentRef) -> None:
        """Publish the agent's figures of today (answered calls, talk time, missed rings)."""
        await asyncio.sleep(0.5)  # cdr_pgsql writes the record just after the hangup
        try:
            figures = await self.figures(ref)
        except DomainError:
            return
        self.hub.publish(ref.tenant_id, ref.extension, {"type": "agent.figures", **figures})

    async def figures(self, ref: AgentRef) -> dict[str, Any]:
        """Today's figures of an agent."""
        async with connection(self._pool) as conn:
            row = await agents_repo.today_figures(conn, ref.tenant_id, ref.endpoint)
        return {
            "agent": ref.extension,
            "answered": row["answered"],
            "talk_s": row["talk_s"],
            "missed": row["missed"],
        }

    # ------------------------------------------------------------------ snapshots
    def snapshot(self, tenant_id: str, extension: str | None) -> list[dict[str, Any]]:
        """Messages that bring a (re)connecting console up to date, ringing call included."""
        now = time.time()
        out: list[dict[str, Any]] = []
        for ep, ref in self.agents.items():
            if ref.tenant_id != tenant_id or (extension is not None and ref.extension != extension):
                continue
            out.append(self.state_message(ref, now))
            pop = self.pops.get(ep)
            if pop is not None:
                out.append({**pop, "resumed": True})
        return out


def _ref(row: Mapping[str, Any]) -> AgentRef:
    return AgentRef(
        user_id=row["user_id"],
        tenant_id=row["tenant_id"],
        extension=row["extension"],
        endpoint=row["endpoint_id"],
        name=row["display_name"],
        device=row["device"],
    )


ref_of_row = _ref
