"""The live agent workspace as a pure state machine: ``step(event, now) -> list[Effect]``.

The core holds the agent directory, each agent's state, the pops on their consoles and the
calls ringing or connected, all in memory. It is fed AMI-derived events (``events.py``),
the results of work the runtime did for it (``Enriched``, ``WrapupRead``...) and console
commands (``PresenceChanged``, ``OutboundStarted``...); it answers with effects the runtime
performs (``runtime.py``). No I/O, no clock, no tasks: its tests are plain events.

Agents are known by their seat's endpoint id (``MemberName`` in queue events); an event
naming an endpoint that is not an agent, or a queue of another tenant than the agent's, is
ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from callcenter.asterisk.naming import tenant_of_queue
from callcenter.workspace.events import (
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
)
from callcenter.workspace.payload import (
    contact_pop,
    ringing_pop,
    short_queue,
    waited_seconds,
    webhook_event,
)
from callcenter.workspace.state import (
    AgentEvent,
    AgentState,
    Answered,
    Ended,
    Paused,
    Ringing,
    RingStopped,
    Unpaused,
    apply,
    presence,
    view,
)


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


# ------------------------------------------------------------------ results fed back
@dataclass(frozen=True, slots=True)
class WrapupRead:
    """The runtime read the wrap-up time of a call's queue (None: could not)."""

    linkedid: str
    wrapup_s: int | None


@dataclass(frozen=True, slots=True)
class Enriched:
    """The CRM lookup of a call's caller finished (``status``: found, not_found, error...)."""

    linkedid: str
    contact: dict[str, Any] | None
    crm_status: str


@dataclass(frozen=True, slots=True)
class CompletionReady:
    """The wrap-up time a completed call waited for is known: finish it as of ``at``."""

    endpoint: str
    linkedid: str
    wrapup_s: int | None
    talk_time: int
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class WrapupTimerFired:
    """The agent's wrap-up timer ran out: the console shows the new presence."""

    endpoint: str


# ------------------------------------------------------------------ console commands
@dataclass(frozen=True, slots=True)
class AgentSaved:
    """An agent was created or changed (device, seat): add or update it in the directory."""

    ref: AgentRef
    state: AgentState | None = None  # stored presence, when loading the directory


@dataclass(frozen=True, slots=True)
class PresenceChanged:
    """The agent logged in or out, paused or unpaused from the console."""

    endpoint: str
    change: AgentEvent


@dataclass(frozen=True, slots=True)
class WrapupEnded:
    """The agent finished wrap-up early."""

    endpoint: str


@dataclass(frozen=True, slots=True)
class QueueLoginChanged:
    """The agent logged in to (or out of) one queue."""

    endpoint: str
    queue: str
    logged_in: bool


@dataclass(frozen=True, slots=True)
class OutboundStarted:
    """Click-to-call started: pop the contact being called."""

    endpoint: str
    number: str
    contact: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class OutboundFailed:
    """Click-to-call could not reach the agent (no answer, no contact)."""

    endpoint: str
    number: str
    reason: str


CoreEvent = (
    WorkspaceEvent
    | WrapupRead
    | Enriched
    | CompletionReady
    | WrapupTimerFired
    | AgentSaved
    | PresenceChanged
    | WrapupEnded
    | QueueLoginChanged
    | OutboundStarted
    | OutboundFailed
)


# ------------------------------------------------------------------ effects
@dataclass(frozen=True, slots=True)
class Publish:
    """Send ``message`` to the consoles of one agent (and its tenant's admins)."""

    tenant_id: str
    extension: str
    message: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Webhook:
    """Deliver ``event`` to the tenant's webhook."""

    tenant_id: str
    event: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Enrich:
    """Read the queue's wrap-up time (when ``queue``), then look the caller up in the CRM;
    feed back ``WrapupRead`` then ``Enriched``."""

    tenant_id: str
    linkedid: str
    caller_number: str
    queue: str


@dataclass(frozen=True, slots=True)
class ReadWrapupThenComplete:
    """Read the queue's wrap-up time, then feed back ``CompletionReady``."""

    tenant_id: str
    queue: str
    ready: CompletionReady


@dataclass(frozen=True, slots=True)
class StartWrapupTimer:
    """Feed ``WrapupTimerFired`` in ``delay`` seconds (replacing the agent's running timer)."""

    endpoint: str
    delay: float


@dataclass(frozen=True, slots=True)
class PushFigures:
    """Read the agent's figures of today once the CDR is written, and publish them."""

    endpoint: str


Effect = Publish | Webhook | Enrich | ReadWrapupThenComplete | StartWrapupTimer | PushFigures


class WorkspaceCore:
    """In-memory live state of every agent; ``step`` is the only way it changes."""

    def __init__(self) -> None:
        self.agents: dict[str, AgentRef] = {}
        self.states: dict[str, AgentState] = {}
        self.pops: dict[str, dict[str, Any]] = {}
        self.calls: dict[str, LiveCall] = {}
        self.channels: dict[str, str] = {}  # endpoint -> its answered channel (transfers)
        self.waits = Waits()
        self._out: list[Effect] = []

    # ------------------------------------------------------------------ reading
    def state_of(self, endpoint: str) -> AgentState:
        """The agent's current state."""
        return self.states.get(endpoint, AgentState())

    def logged_out_endpoints(self) -> set[str]:
        """Seats whose agents are logged out (UNAVAILABLE to app_queue)."""
        return {ep for ep, s in self.states.items() if ep in self.agents and not s.logged_in}

    def state_message(self, endpoint: str, now: float) -> dict[str, Any]:
        """``agent.state`` for the console."""
        return {
            "type": "agent.state",
            "agent": self.agents[endpoint].extension,
            **view(self.state_of(endpoint), now),
        }

    def snapshot(self, tenant_id: str, extension: str | None, now: float) -> list[dict[str, Any]]:
        """Messages that bring a (re)connecting console up to date, ringing call included."""
        out: list[dict[str, Any]] = []
        for ep, ref in self.agents.items():
            if ref.tenant_id != tenant_id or (extension is not None and ref.extension != extension):
                continue
            out.append(self.state_message(ep, now))
            pop = self.pops.get(ep)
            # An ended call's pop is kept for the note form during wrap-up only: a console
            # signing in later must not see an old caller pop up again.
            if pop is not None and (
                not pop.get("ended") or presence(self.state_of(ep), now) == "wrapup"
            ):
                out.append({**pop, "resumed": True})
        return out

    # ------------------------------------------------------------------ stepping
    def step(self, event: CoreEvent, now: float) -> list[Effect]:
        """Apply one event; the effects the runtime must perform, in order."""
        self._out = []
        self._step(event, now)
        out, self._out = self._out, []
        return out

    def _step(self, event: CoreEvent, now: float) -> None:
        match event:
            case CallerJoined(_, linkedid, _):
                self.waits.join(linkedid, now)
            case AgentCalled():
                self._agent_called(event, now)
            case AgentConnected(member, channel, queue, linkedid, _):
                if (ref := self._agent(member, queue)) is not None:
                    self._connected(ref, channel, linkedid, now)
            case AgentCompleted(member, queue, linkedid, talk, _, reason):
                if (ref := self._agent(member, queue)) is not None:
                    self._completed(ref, linkedid, now, talk, reason)
            case AgentRingStopped(member, queue, linkedid):
                if (ref := self._agent(member, queue)) is not None:
                    self._ring_stopped(ref, linkedid, now)
            case CallerLeft(_, linkedid):
                self._caller_left(linkedid, now)
            case MemberPaused(member, queue, paused, reason):
                ref = self._agent(member, queue)
                if ref is not None and self.state_of(ref.endpoint).paused != paused:
                    self._change(ref, Paused(reason or "break") if paused else Unpaused(), now)
            case SeatChannel():
                self._seat_channel(event, now)
            case SeatAnswered(member, channel, linkedid):
                self._seat_answered(member, channel, linkedid, now)
            case WrapupRead(linkedid, wrapup_s):
                call = self.calls.get(linkedid)
                if call is not None:
                    call.wrapup_s = wrapup_s
            case Enriched():
                self._enriched(event)
            case CompletionReady(endpoint, linkedid, wrapup_s, talk, reason, at):
                call = self.calls.get(linkedid)
                if call is not None:
                    call.wrapup_s = wrapup_s
                if (ref := self.agents.get(endpoint)) is not None:
                    self._finish(ref, linkedid, wrapup_s or 0, at, talk, reason)
            case WrapupTimerFired(endpoint):
                if (ref := self.agents.get(endpoint)) is not None:
                    self._publish(ref, self.state_message(endpoint, now))
            case AgentSaved(ref, state):
                # An agent user is on one seat: moved to another, it leaves the old one.
                for endpoint, other in list(self.agents.items()):
                    if other.user_id == ref.user_id and endpoint != ref.endpoint:
                        del self.agents[endpoint]
                        self.states.pop(endpoint, None)
                        self.pops.pop(endpoint, None)
                self.agents[ref.endpoint] = ref
                if state is not None:
                    self.states[ref.endpoint] = state
                else:
                    self.states.setdefault(ref.endpoint, AgentState(since=now))
            case PresenceChanged(endpoint, change):
                if (ref := self.agents.get(endpoint)) is not None:
                    self._change(ref, change, now)
            case WrapupEnded(endpoint):
                self._wrapup_ended(endpoint, now)
            case QueueLoginChanged(endpoint, queue, logged_in):
                if (ref := self.agents.get(endpoint)) is not None:
                    message = {"type": "agent.queue", "agent": ref.extension}
                    self._publish(ref, {**message, "queue": queue, "logged_in": logged_in})
            case OutboundStarted(endpoint, number, contact):
                if (ref := self.agents.get(endpoint)) is not None:
                    self._outbound(ref, number, contact, now)
            case OutboundFailed(endpoint, number, reason):
                if (ref := self.agents.get(endpoint)) is not None:
                    self._outbound_failed(ref, number, reason)

    # ------------------------------------------------------------------ helpers
    def _publish(self, ref: AgentRef, message: dict[str, Any]) -> None:
        self._out.append(Publish(ref.tenant_id, ref.extension, message))

    def _agent(self, member: str, queue: str) -> AgentRef | None:
        ref = self.agents.get(member)
        if ref is None or (queue and tenant_of_queue(queue) != ref.tenant_id):
            return None
        return ref

    def _change(self, ref: AgentRef, event: AgentEvent, now: float) -> None:
        before = self.state_of(ref.endpoint)
        after = apply(before, event, now)
        self.states[ref.endpoint] = after
        if after != before:
            self._publish(ref, self.state_message(ref.endpoint, now))

    def _wrapup_ended(self, endpoint: str, now: float) -> None:
        ref = self.agents.get(endpoint)
        st = self.state_of(endpoint)
        if ref is not None and st.wrapup_until is not None:
            self.states[endpoint] = replace(st, wrapup_until=None, since=now)
            self._publish(ref, self.state_message(endpoint, now))

    # ------------------------------------------------------------------ queue calls
    def _agent_called(self, event: AgentCalled, now: float) -> None:
        ctx = event.context
        ref = self._agent(event.member, ctx.queue)
        if ref is None or not ctx.linkedid:
            return
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
            waited_s=waited_seconds(ctx, self.waits.joined.get(ctx.linkedid), now),
            ami_at=now,
        )
        if event.stamp is not None:
            pop["ast_at"] = event.stamp
        if call.crm_status != "pending":
            pop = {**pop, "contact": call.contact, "crm": {"status": call.crm_status}}
        self.pops[ref.endpoint] = pop
        # The pop leaves first: everything else about this event can wait for it.
        self._publish(ref, pop)
        self._change(ref, Ringing(ctx.linkedid, queue or None), now)
        self._out.append(Webhook(ref.tenant_id, webhook_event("call.ringing", pop)))
        if new_call:
            self._out.append(Enrich(ref.tenant_id, ctx.linkedid, ctx.caller_number, queue))

    def _enriched(self, event: Enriched) -> None:
        linkedid, contact, status = event.linkedid, event.contact, event.crm_status
        call = self.calls.get(linkedid)
        if call is not None:
            call.contact, call.crm_status = contact, status
            rung: list[str] = list(call.agents)
        else:
            # The call ended before the CRM answered: its pops stay for the note form.
            rung = [ep for ep, pop in self.pops.items() if pop.get("linkedid") == linkedid]
        message = contact_pop(linkedid, contact, status)
        for ep in rung:
            pop = self.pops.get(ep)
            if pop is not None and pop.get("linkedid") == linkedid:
                self.pops[ep] = {**pop, "contact": contact, "crm": {"status": status}}
                self._publish(self.agents[ep], message)

    def _connected(self, ref: AgentRef, channel: str, linkedid: str, now: float) -> None:
        call = self.calls.get(linkedid)
        self.channels[ref.endpoint] = channel
        st = self.state_of(ref.endpoint)
        self._change(ref, Answered(linkedid, st.call.queue if st.call else None), now)
        pop = self.pops.get(ref.endpoint)
        if pop is not None and pop.get("linkedid") == linkedid:
            self.pops[ref.endpoint] = {**pop, "answered": True}
        self._publish(ref, {"type": "call.answered", "linkedid": linkedid})
        if call is not None:
            call.answered_by = ref.endpoint
            for ep in list(call.agents - {ref.endpoint}):
                if (other := self.agents.get(ep)) is not None:
                    self._ring_stopped(other, linkedid, now)
            if pop is not None:
                event = webhook_event("call.answered", pop, answered_at=now)
                self._out.append(Webhook(ref.tenant_id, event))

    def _completed(
        self, ref: AgentRef, linkedid: str, now: float, talk_time: int, reason: str
    ) -> None:
        call = self.calls.get(linkedid)
        if call is not None and call.queue and call.wrapup_s is None:
            # The wrap-up time is not known yet (lookup still running or failed): read it.
            ready = CompletionReady(ref.endpoint, linkedid, None, talk_time, reason, now)
            self._out.append(ReadWrapupThenComplete(call.tenant_id, call.queue, ready))
            return
        wrapup = call.wrapup_s if call is not None and call.wrapup_s is not None else 0
        self._finish(ref, linkedid, wrapup, now, talk_time, reason)

    def _finish(
        self, ref: AgentRef, linkedid: str, wrapup: int, now: float, talk_time: int, reason: str
    ) -> None:
        pop = self.pops.get(ref.endpoint)
        self._change(ref, Ended(linkedid, wrapup), now)
        ended = {"type": "call.ended", "linkedid": linkedid, "talk_s": talk_time}
        self._publish(ref, {**ended, "reason": reason, "wrapup_s": wrapup})
        if wrapup > 0:
            self._out.append(StartWrapupTimer(ref.endpoint, wrapup))
        if pop is not None and pop.get("linkedid") == linkedid:
            event = webhook_event("call.ended", pop, talk_s=talk_time, ended_by=reason)
            self._out.append(Webhook(ref.tenant_id, event))
        self._end_call(linkedid)
        self._out.append(PushFigures(ref.endpoint))

    def _ring_stopped(self, ref: AgentRef, linkedid: str, now: float) -> None:
        st = self.state_of(ref.endpoint)
        if st.call is None or st.call.linkedid != linkedid or st.call.phase != "ringing":
            return
        self._change(ref, RingStopped(linkedid), now)
        pop = self.pops.get(ref.endpoint)
        if pop is not None and pop.get("linkedid") == linkedid:
            del self.pops[ref.endpoint]
        self._publish(ref, {"type": "call.stopped", "linkedid": linkedid})

    def _caller_left(self, linkedid: str, now: float) -> None:
        call = self.calls.get(linkedid)
        if call is not None and call.answered_by is None:
            for ep in list(call.agents):
                if (ref := self.agents.get(ep)) is not None:
                    self._ring_stopped(ref, linkedid, now)
                    # Answered at the seat, but the caller left before the queue connected
                    # them: app_queue sends no AgentComplete for it.
                    if self._on_unconnected_call(ref.endpoint, linkedid):
                        self._completed(ref, linkedid, now, 0, "caller")
            self._end_call(linkedid)
        self.waits.forget(linkedid)

    def _on_unconnected_call(self, endpoint: str, linkedid: str) -> bool:
        """The seat answered a queue call the queue never connected (no AgentConnect)."""
        st = self.state_of(endpoint)
        if st.call is None or st.call.linkedid != linkedid or st.call.phase != "on_call":
            return False
        call = self.calls.get(linkedid)
        return call is not None and call.answered_by != endpoint

    def _end_call(self, linkedid: str) -> None:
        call = self.calls.pop(linkedid, None)
        self.waits.forget(linkedid)
        if call is None:
            return
        for ep in call.agents:
            pop = self.pops.get(ep)
            if pop is not None and pop.get("linkedid") == linkedid:
                # Kept for the note form until the next call; marked ended.
                self.pops[ep] = {**pop, "ended": True}

    # ------------------------------------------------------------------ seat channels
    def _seat_answered(self, member: str, channel: str, linkedid: str, now: float) -> None:
        ref = self.agents.get(member)
        if ref is None:
            return
        self.channels[member] = channel
        st = self.state_of(member)
        if st.call is None or st.call.linkedid == linkedid:
            self._change(ref, Answered(linkedid, st.call.queue if st.call else None), now)

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
                self._publish(ref, pop)
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
            self._change(ref, Ended(event.linkedid, 0), now)
            self._publish(ref, {"type": "call.ended", "linkedid": event.linkedid})
            self.pops.pop(ref.endpoint, None)
            self._out.append(PushFigures(ref.endpoint))
        elif self._on_unconnected_call(ref.endpoint, event.linkedid):
            # The seat answered but hung up before the queue connected it (AgentDump, or a
            # failed bridge): no AgentComplete will come either.
            self._completed(ref, event.linkedid, now, 0, "agent")

    # ------------------------------------------------------------------ click-to-call
    def _outbound(
        self, ref: AgentRef, number: str, contact: dict[str, Any] | None, now: float
    ) -> None:
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
            "ami_at": now,
        }
        self.pops[ref.endpoint] = pop
        self._publish(ref, pop)

    def _outbound_failed(self, ref: AgentRef, number: str, reason: str) -> None:
        pop = self.pops.get(ref.endpoint)
        if pop is not None and pop.get("type") == "call.outbound":
            del self.pops[ref.endpoint]
        failed = {"type": "call.failed", "number": number}
        self._publish(ref, {**failed, "reason": str(reason)[:200]})
