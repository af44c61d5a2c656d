"""Where a tenant lives: the least-loaded active node. Pure.

Load is the seats of the tenants homed on a node over its capacity (concurrent calls):
seats are what a tenant pays for and what makes its calls. Ties go to the name, so the
choice is stable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NodeLoad:
    """An active node's capacity and the seats of the tenants homed there."""

    name: str
    capacity: int
    seats: int


def least_loaded(nodes: Iterable[NodeLoad]) -> str | None:
    """The node with the lowest seats/capacity (ties: by name), None when there is none."""
    best = min(nodes, key=lambda n: (n.seats / n.capacity, n.name), default=None)
    return None if best is None else best.name


def rehome(tenants: Mapping[str, int], nodes: Iterable[NodeLoad]) -> dict[str, str]:
    """Spread ``tenants`` (id -> seats) over ``nodes``: biggest tenant first, each onto the
    node least loaded after the ones before it. Empty when no node is left."""
    loads = {n.name: n for n in nodes}
    out: dict[str, str] = {}
    for tenant, seats in sorted(tenants.items(), key=lambda t: (-t[1], t[0])):
        target = least_loaded(loads.values())
        if target is None:
            return {}
        out[tenant] = target
        node = loads[target]
        loads[target] = NodeLoad(node.name, node.capacity, node.seats + seats)
    return out
