"""Nodes, tenants' homes and their history in PostgreSQL.

Nodes are platform data (no tenant owns one); every query that touches a tenant's row names
the tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callcenter.nodes.placement import NodeLoad

_COLUMNS = "name, sip_host, sip_port, ami_host, ami_port, capacity, state, state_since"


async def insert_node(
    conn: Any,
    name: str,
    sip_host: str,
    sip_port: int,
    ami_host: str,
    ami_port: int,
    capacity: int,
) -> Any:
    """Register a node; a taken name or SIP address raises UniqueViolation."""
    return await conn.fetchrow(
        "INSERT INTO nodes (name, sip_host, sip_port, ami_host, ami_port, capacity)"  # noqa: S608 - constant columns
        f" VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_COLUMNS}",
        name,
        sip_host,
        sip_port,
        ami_host,
        ami_port,
        capacity,
    )


async def list_nodes(conn: Any) -> list[Any]:
    """Every node with the tenants and seats homed there."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {', '.join('n.' + c for c in _COLUMNS.split(', '))},"  # noqa: S608 - constant
        " (SELECT count(*) FROM tenants t WHERE t.home_node = n.name) AS tenants,"
        " (SELECT count(*) FROM seats s JOIN tenants t ON t.id = s.tenant_id"
        "  WHERE t.home_node = n.name) AS seats"
        " FROM nodes n ORDER BY n.name"
    )
    return rows


async def get_node(conn: Any, name: str, *, lock: bool = False) -> Any:
    """One node, or None."""
    return await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM nodes WHERE name = $1"  # noqa: S608 - constant columns
        + (" FOR UPDATE" if lock else ""),
        name,
    )


async def update_node(conn: Any, name: str, capacity: int | None, state: str | None) -> Any:
    """Change capacity and/or state (state_since moves only when the state changes)."""
    return await conn.fetchrow(
        "UPDATE nodes SET capacity = coalesce($2, capacity),"  # noqa: S608 - constant columns
        " state_since = CASE WHEN $3::text IS NOT NULL AND $3 <> state THEN now()"
        "   ELSE state_since END,"
        " state = coalesce($3, state)"
        f" WHERE name = $1 RETURNING {_COLUMNS}",
        name,
        capacity,
        state,
    )


async def active_loads(conn: Any, *, exclude: str | None = None) -> list[NodeLoad]:
    """Active nodes with their capacity and the seats homed there."""
    rows = await conn.fetch(
        "SELECT n.name, n.capacity, count(s.*) AS seats FROM nodes n"
        " LEFT JOIN tenants t ON t.home_node = n.name"
        " LEFT JOIN seats s ON s.tenant_id = t.id"
        " WHERE n.state = 'active' AND n.name IS DISTINCT FROM $1"
        " GROUP BY n.name, n.capacity",
        exclude,
    )
    return [NodeLoad(r["name"], r["capacity"], r["seats"]) for r in rows]


async def home_of(conn: Any, tenant_id: str, *, lock: bool = False) -> tuple[bool, str | None]:
    """(whether the tenant exists, its home node)."""
    row = await conn.fetchrow(
        "SELECT home_node FROM tenants WHERE id = $1" + (" FOR UPDATE" if lock else ""),  # noqa: S608 - constant suffix
        tenant_id,
    )
    return (row is not None, None if row is None else row["home_node"])


async def set_home(
    conn: Any, tenant_id: str, from_node: str | None, to_node: str, reason: str, at: datetime
) -> None:
    """Home the tenant on ``to_node`` and record why."""
    await conn.execute("UPDATE tenants SET home_node = $2 WHERE id = $1", tenant_id, to_node)
    await conn.execute(
        "INSERT INTO tenant_moves (tenant_id, from_node, to_node, reason, at)"
        " VALUES ($1, $2, $3, $4, $5)",
        tenant_id,
        from_node,
        to_node,
        reason,
        at,
    )


async def tenants_on(conn: Any, node: str) -> dict[str, int]:
    """The tenants homed on ``node`` with their seat counts (locked for re-homing)."""
    rows = await conn.fetch(
        "SELECT t.id, (SELECT count(*) FROM seats s WHERE s.tenant_id = t.id) AS seats"
        " FROM tenants t WHERE t.home_node = $1 ORDER BY t.id FOR UPDATE",
        node,
    )
    return {r["id"]: r["seats"] for r in rows}


async def mark_down(conn: Any, node: str, since: datetime) -> bool:
    """State ``down`` since ``since``; False if it was down already (or is unknown)."""
    status: str = await conn.execute(
        "UPDATE nodes SET state = 'down', state_since = $2 WHERE name = $1 AND state <> 'down'",
        node,
        since,
    )
    return status.endswith(" 1")


async def mark_back(conn: Any, node: str) -> bool:
    """A node that was down answers again: active (its old tenants stay where they are)."""
    status: str = await conn.execute(
        "UPDATE nodes SET state = 'active', state_since = now() WHERE name = $1 AND state = 'down'",
        node,
    )
    return status.endswith(" 1")


async def moves(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's homes over time, oldest first."""
    rows: list[Any] = await conn.fetch(
        "SELECT from_node, to_node, reason, at FROM tenant_moves WHERE tenant_id = $1"
        " ORDER BY at, id",
        tenant_id,
    )
    return rows


async def ami_addresses(conn: Any) -> list[Any]:
    """Every node's AMI address, for the control plane's connections."""
    rows: list[Any] = await conn.fetch("SELECT name, ami_host, ami_port FROM nodes ORDER BY name")
    return rows


async def homes(conn: Any) -> dict[str, str]:
    """Tenant id -> home node, for tenants that have one."""
    rows = await conn.fetch("SELECT id, home_node FROM tenants WHERE home_node IS NOT NULL")
    return {r["id"]: r["home_node"] for r in rows}
