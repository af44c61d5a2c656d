"""The supervisor board as pure functions: agent rows, queue alerts, a supervisor's scope.

No I/O and no clock: the caller passes the agent directory, states, pops and the
wallboard's queue snapshot, and ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from callcenter.workspace.state import AgentState, presence

DEFAULT = ""  # the tenant-wide row of the thresholds table


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a queue raises an alert (None: never for that figure)."""

    min_service_level: float | None = None
    max_longest_wait_s: int | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """What a supervisor sees: None means everything of the tenant."""

    queues: frozenset[str] | None = None
    agents: frozenset[str] | None = None  # extensions of the supervised queues' members

    def sees_queue(self, queue: str) -> bool:
        """Whether the queue (short name) is in scope."""
        return self.queues is None or queue in self.queues

    def sees_agent(self, extension: str) -> bool:
        """Whether the agent (extension) is in scope."""
        return self.agents is None or extension in self.agents


EVERYTHING = Scope()


def thresholds_for(queue: str, table: Mapping[str, Thresholds]) -> Thresholds:
    """A queue's thresholds: its own row, each missing figure taken from the default."""
    default = table.get(DEFAULT, Thresholds())
    own = table.get(queue)
    if own is None:
        return default
    return Thresholds(
        own.min_service_level if own.min_service_level is not None else default.min_service_level,
        own.max_longest_wait_s
        if own.max_longest_wait_s is not None
        else default.max_longest_wait_s,
    )


def queue_alerts(
    queues: Iterable[Mapping[str, Any]], table: Mapping[str, Thresholds]
) -> list[dict[str, Any]]:
    """Alerts of the queues whose service level is below, or longest wait at or above, the
    tenant's threshold. A queue without answered or abandoned calls today has no service
    level and raises no service-level alert."""
    out: list[dict[str, Any]] = []
    for q in queues:
        name = str(q["queue"])
        limits = thresholds_for(name, table)
        sl = q.get("service_level_today")
        if (
            limits.min_service_level is not None
            and isinstance(sl, int | float)
            and sl < limits.min_service_level
        ):
            out.append(
                {
                    "queue": name,
                    "kind": "service_level",
                    "value": sl,
                    "threshold": limits.min_service_level,
                }
            )
        wait = q.get("longest_wait_s")
        if (
            limits.max_longest_wait_s is not None
            and isinstance(wait, int | float)
            and wait >= limits.max_longest_wait_s
        ):
            out.append(
                {
                    "queue": name,
                    "kind": "longest_wait",
                    "value": wait,
                    "threshold": limits.max_longest_wait_s,
                }
            )
    return out


def agent_row(
    extension: str,
    name: str,
    state: AgentState,
    pop: Mapping[str, Any] | None,
    now: float,
) -> dict[str, Any]:
    """One agent on the board: presence and time in it, and the call it is on, if any."""
    p = presence(state, now)
    call: dict[str, Any] | None = None
    if state.call is not None:
        caller: Any = None
        queue = state.call.queue or ""
        if pop is not None and pop.get("linkedid") == state.call.linkedid:
            caller = pop.get("caller")
            queue = pop.get("queue") or queue
        call = {
            "linkedid": state.call.linkedid,
            "phase": state.call.phase,
            "since": state.call.since,
            "seconds": max(0, int(now - state.call.since)),
            "caller": caller,
            "queue": queue,
        }
    return {
        "agent": extension,
        "name": name,
        "presence": p,
        "since": state.since,
        "in_state_s": max(0, int(now - state.since)) if state.since else 0,
        "paused": state.paused,
        "pause_reason": state.pause_reason,
        "call": call,
    }


def scoped_queues(queues: Iterable[Mapping[str, Any]], scope: Scope) -> list[dict[str, Any]]:
    """The wallboard's queue rows the scope sees."""
    return [dict(q) for q in queues if scope.sees_queue(str(q["queue"]))]
