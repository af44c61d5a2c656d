"""An agent's state: a pure state machine fed by presence changes and call events.

The console shows one *presence* at a time, derived from the state and the clock:
``logged_out``, ``ringing``, ``on_call``, ``wrapup`` (the queue's wrap-up timer), ``paused``
(with a reason) or ``available``. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Presence = Literal["logged_out", "ringing", "on_call", "wrapup", "paused", "available"]
Phase = Literal["ringing", "on_call"]


@dataclass(frozen=True, slots=True)
class CallLeg:
    """The call an agent is busy with."""

    linkedid: str
    phase: Phase
    since: float
    queue: str | None = None  # short queue name, None for a direct or click-to-call


@dataclass(frozen=True, slots=True)
class AgentState:
    """Everything the console needs to show an agent's presence."""

    logged_in: bool = False
    paused: bool = False
    pause_reason: str = ""
    call: CallLeg | None = None
    wrapup_until: float | None = None
    since: float = 0.0  # when the presence last changed


# ------------------------------------------------------------------ events
@dataclass(frozen=True, slots=True)
class LoggedIn:
    """The agent logged in (globally)."""


@dataclass(frozen=True, slots=True)
class LoggedOut:
    """The agent logged out (globally)."""


@dataclass(frozen=True, slots=True)
class Paused:
    """The agent paused with a reason."""

    reason: str


@dataclass(frozen=True, slots=True)
class Unpaused:
    """The agent is back from a pause."""


@dataclass(frozen=True, slots=True)
class Ringing:
    """A call rings the agent."""

    linkedid: str
    queue: str | None


@dataclass(frozen=True, slots=True)
class Answered:
    """The agent answered (or a call of theirs was answered)."""

    linkedid: str
    queue: str | None = None


@dataclass(frozen=True, slots=True)
class RingStopped:
    """The call stopped ringing the agent without being answered by them."""

    linkedid: str


@dataclass(frozen=True, slots=True)
class Ended:
    """The agent's call ended; ``wrapup_s`` is the queue's wrap-up time (0 for none)."""

    linkedid: str
    wrapup_s: int


@dataclass(frozen=True, slots=True)
class WrapupDone:
    """The agent ended wrap-up early (or the timer ran out)."""


AgentEvent = (
    LoggedIn | LoggedOut | Paused | Unpaused | Ringing | Answered | RingStopped | Ended | WrapupDone
)


def presence(state: AgentState, now: float) -> Presence:
    """What the agent is doing at ``now``."""
    if state.call is not None:
        return state.call.phase
    if not state.logged_in:
        return "logged_out"
    if state.wrapup_until is not None and now < state.wrapup_until:
        return "wrapup"
    if state.paused:
        return "paused"
    return "available"


def apply(state: AgentState, event: AgentEvent, now: float) -> AgentState:
    """The state after ``event``; events about another call than the current one are ignored."""
    new = _apply(state, event, now)
    if presence(new, now) != presence(state, now):
        new = replace(new, since=now)
    return new


def _apply(state: AgentState, event: AgentEvent, now: float) -> AgentState:
    call = state.call
    match event:
        case LoggedIn():
            return replace(state, logged_in=True)
        case LoggedOut():
            return replace(state, logged_in=False, paused=False, pause_reason="")
        case Paused(reason):
            return replace(state, paused=True, pause_reason=reason)
        case Unpaused():
            return replace(state, paused=False, pause_reason="")
        case Ringing(linkedid, queue):
            if call is not None and call.phase == "on_call":
                return state  # ringinuse=no: a second call never rings an agent on a call
            return replace(state, call=CallLeg(linkedid, "ringing", now, queue), wrapup_until=None)
        case Answered(linkedid, queue):
            if call is not None and call.linkedid == linkedid:
                return replace(state, call=replace(call, phase="on_call", since=now))
            if call is None or call.phase == "ringing":
                return replace(state, call=CallLeg(linkedid, "on_call", now, queue))
            return state
        case RingStopped(linkedid):
            if call is not None and call.linkedid == linkedid and call.phase == "ringing":
                return replace(state, call=None)
            return state
        case Ended(linkedid, wrapup_s):
            if call is None or call.linkedid != linkedid:
                return state
            if call.phase == "ringing":
                return replace(state, call=None)
            until = now + wrapup_s if wrapup_s > 0 else None
            return replace(state, call=None, wrapup_until=until)
        case WrapupDone():
            return replace(state, wrapup_until=None)
    return state  # pragma: no cover - every event is matched above


def wrapup_left(state: AgentState, now: float) -> int:
    """Whole seconds of wrap-up left (0 when not in wrap-up)."""
    if state.call is not None or state.wrapup_until is None or now >= state.wrapup_until:
        return 0
    return int(state.wrapup_until - now + 0.999)


def view(state: AgentState, now: float) -> dict[str, object]:
    """The state as the console and webhooks see it."""
    return {
        "presence": presence(state, now),
        "logged_in": state.logged_in,
        "paused": state.paused,
        "pause_reason": state.pause_reason,
        "linkedid": state.call.linkedid if state.call else None,
        "wrapup_left": wrapup_left(state, now),
        "since": state.since,
    }
