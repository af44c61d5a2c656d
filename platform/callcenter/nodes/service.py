"""Nodes: registering them, tenants' homes (placement, moves) and failover.

Operators only: a tenant's users never see the nodes (a tenant's own home is not secret, but
nothing they do depends on it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from callcenter.ami.channels import LostCall
from callcenter.auth.principal import Principal
from callcenter.cdr import records
from callcenter.cdr import repo as cdr_repo
from callcenter.db.pool import connection, on_conflict, transaction
from callcenter.errors import NotFound
from callcenter.nodes import repo
from callcenter.nodes.errors import NodeExists, NodeNotActive, NoSuchNode
from callcenter.nodes.placement import least_loaded, rehome
from callcenter.nodes.schemas import MoveIn, NodeIn, NodePatch

log = logging.getLogger(__name__)


class LiveNodes(Protocol):
    """What the AMI side knows of each node right now (``ami.cluster.AmiCluster``)."""

    def node_connected(self, node: str) -> bool:
        """Whether the node's AMI is logged in."""

    def calls_up(self, node: str) -> int:
        """Calls up on the node now."""


def _view(row: Any, live: LiveNodes | None) -> dict[str, Any]:
    out = {
        "name": row["name"],
        "sip_host": row["sip_host"],
        "sip_port": row["sip_port"],
        "ami_host": row["ami_host"],
        "ami_port": row["ami_port"],
        "capacity": row["capacity"],
        "state": row["state"],
        "state_since": row["state_since"].isoformat(),
        "ami_connected": bool(live and live.node_connected(row["name"])),
        "calls_up": live.calls_up(row["name"]) if live else 0,
    }
    if "tenants" in row:
        out["tenants"] = row["tenants"]
        out["seats"] = row["seats"]
    return out


async def add_node(pool: Any, who: Principal, data: NodeIn) -> dict[str, Any]:
    """Operator: register a node; the control plane opens its AMI at once (NOTIFY)."""
    who.require_operator()
    async with transaction(pool) as conn:
        if await repo.get_node(conn, data.name) is not None:
            raise NodeExists("already registered", field="name")
        async with on_conflict(NodeExists("SIP address already registered", field="sip_port")):
            row = await repo.insert_node(
                conn,
                data.name,
                data.sip_host,
                data.sip_port,
                data.ami_host,
                data.ami_port,
                data.capacity,
            )
    return {**_view(row, None), "tenants": 0, "seats": 0}


async def list_nodes(pool: Any, who: Principal, live: LiveNodes | None) -> list[dict[str, Any]]:
    """Operator: every node, its state, AMI connection, calls up now and tenants homed."""
    who.require_operator()
    async with connection(pool) as conn:
        rows = await repo.list_nodes(conn)
    return [_view(r, live) for r in rows]


async def patch_node(
    pool: Any, who: Principal, name: str, data: NodePatch, live: LiveNodes | None
) -> dict[str, Any]:
    """Operator: change a node's capacity, or drain it (it keeps its calls and tenants but
    takes no new tenant) and back."""
    who.require_operator()
    async with transaction(pool) as conn:
        row = await repo.update_node(conn, name, data.capacity, data.state)
    if row is None:
        raise NoSuchNode("no such node", node=name)
    return _view(row, live)


async def place_tenant(conn: Any, tenant_id: str) -> str | None:
    """Inside the transaction creating the tenant: home it on the least-loaded active node.

    Without any active node the home stays NULL and the edge picks any live node.
    """
    node = least_loaded(await repo.active_loads(conn))
    if node is not None:
        await repo.set_home(conn, tenant_id, None, node, "placed", datetime.now(UTC))
    return node


async def move_tenant(pool: Any, who: Principal, tenant_id: str, data: MoveIn) -> dict[str, Any]:
    """Operator: home a tenant on another node. New calls go there; calls in progress finish
    where they are (the edge routes each new call by the home it reads)."""
    who.require_operator()
    async with transaction(pool) as conn:
        node = await repo.get_node(conn, data.node, lock=True)
        if node is None:
            raise NoSuchNode("no such node", field="node")
        if node["state"] != "active":
            raise NodeNotActive("the node takes no tenants now", field="node", state=node["state"])
        exists, home = await repo.home_of(conn, tenant_id, lock=True)
        if not exists:
            raise NotFound("no such tenant", tenant=tenant_id)
        if home != data.node:
            await repo.set_home(conn, tenant_id, home, data.node, "operator", datetime.now(UTC))
        history = await repo.moves(conn, tenant_id)
    return {
        "tenant_id": tenant_id,
        "home_node": data.node,
        "moves": [
            {
                "from_node": m["from_node"],
                "to_node": m["to_node"],
                "reason": m["reason"],
                "at": m["at"].isoformat(),
            }
            for m in history
        ],
    }


async def node_lost(
    pool: Any, node: str, lost_at: datetime, calls: Iterable[LostCall]
) -> dict[str, str]:
    """A node's AMI was lost and did not come back in time: in one transaction, mark it
    down, re-home its tenants on the least-loaded active nodes, and write one CDR leg per
    call the control plane saw up there, ended at ``lost_at``.

    Idempotent: a second detection (or one after a restart) finds the node down, no tenant
    homed there, and the legs' keys taken. Returns the moves (tenant -> node).
    """
    rows = [records.lost_call_row(c) for c in calls]
    async with transaction(pool) as conn:
        await repo.mark_down(conn, node, lost_at)
        tenants = await repo.tenants_on(conn, node)
        moves = rehome(tenants, await repo.active_loads(conn, exclude=node))
        now = datetime.now(UTC)
        for tenant, target in moves.items():
            await repo.set_home(conn, tenant, node, target, "failover", now)
        written = await cdr_repo.insert_lost_calls(conn, rows) if rows else 0
    if tenants and not moves:
        log.error("node %s lost and no active node left for its %d tenant(s)", node, len(tenants))
    log.warning(
        "node %s lost at %s: %d tenant(s) re-homed, %d call(s) metered",
        node,
        lost_at.isoformat(),
        len(moves),
        written,
    )
    return moves


async def node_back(pool: Any, node: str) -> None:
    """A node that was down answers AMI again: active, and its former tenants stay where
    failover put them (no flapping; an operator moves them back if wanted)."""
    async with transaction(pool) as conn:
        if await repo.mark_back(conn, node):
            log.warning("node %s is back: active, tenants stay where they are", node)
