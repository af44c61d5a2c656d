"""Agents, their presence and their notes in PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

_AGENT_COLUMNS = (
    "a.user_id, a.tenant_id, a.extension, a.display_name, a.device, a.mobile_number,"
    " a.logged_in, a.paused, a.pause_reason, s.endpoint_id, u.username"
)
_AGENT_FROM = (
    " FROM agents a JOIN seats s ON s.tenant_id = a.tenant_id AND s.extension = a.extension"
    " JOIN users u ON u.id = a.user_id"
)


async def insert_agent(
    conn: Any, user_id: int, tenant_id: str, extension: str, name: str, device: str
) -> None:
    """Bind a user to a seat; a seat already bound raises UniqueViolation."""
    await conn.execute(
        "INSERT INTO agents (user_id, tenant_id, extension, display_name, device)"
        " VALUES ($1, $2, $3, $4, $5)",
        user_id,
        tenant_id,
        extension,
        name,
        device,
    )


async def get_agent(conn: Any, tenant_id: str, user_id: int) -> Any:
    """One agent of the tenant, or None."""
    return await conn.fetchrow(
        f"SELECT {_AGENT_COLUMNS}{_AGENT_FROM} WHERE a.tenant_id = $1 AND a.user_id = $2",
        tenant_id,
        user_id,
    )


async def agent_by_username(conn: Any, tenant_id: str, username: str) -> Any:
    """The tenant's agent signing in as ``username``, or None."""
    return await conn.fetchrow(
        f"SELECT {_AGENT_COLUMNS}{_AGENT_FROM} WHERE a.tenant_id = $1 AND u.username = $2",
        tenant_id,
        username,
    )


async def update_agent(
    conn: Any,
    tenant_id: str,
    user_id: int,
    *,
    name: str,
    extension: str,
    device: str,
    mobile_number: str | None,
) -> None:
    """Change an agent's name, seat and device (a seat already bound raises UniqueViolation)."""
    await conn.execute(
        "UPDATE agents SET display_name = $3, extension = $4, device = $5, mobile_number = $6,"
        " changed_at = now() WHERE tenant_id = $1 AND user_id = $2",
        tenant_id,
        user_id,
        name,
        extension,
        device,
        mobile_number,
    )


async def agent_by_extension(conn: Any, tenant_id: str, extension: str) -> Any:
    """The agent bound to a seat, or None."""
    return await conn.fetchrow(
        f"SELECT {_AGENT_COLUMNS}{_AGENT_FROM} WHERE a.tenant_id = $1 AND a.extension = $2",
        tenant_id,
        extension,
    )


async def list_agents(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's agents."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_AGENT_COLUMNS}{_AGENT_FROM} WHERE a.tenant_id = $1 ORDER BY a.extension",
        tenant_id,
    )
    return rows


async def set_presence(
    conn: Any, tenant_id: str, user_id: int, *, logged_in: bool, paused: bool, reason: str
) -> None:
    """Store an agent's login and pause (survives restarts of the control plane)."""
    await conn.execute(
        "UPDATE agents SET logged_in = $3, paused = $4, pause_reason = $5, changed_at = now()"
        " WHERE tenant_id = $1 AND user_id = $2",
        tenant_id,
        user_id,
        logged_in,
        paused,
        reason,
    )


async def set_device(
    conn: Any, tenant_id: str, user_id: int, device: str, mobile_number: str | None
) -> None:
    """Store how the agent takes calls."""
    await conn.execute(
        "UPDATE agents SET device = $3, mobile_number = $4 WHERE tenant_id = $1 AND user_id = $2",
        tenant_id,
        user_id,
        device,
        mobile_number,
    )


async def agent_queues(conn: Any, tenant_id: str, extension: str) -> list[Any]:
    """Queues the seat is assigned to, with the agent's login to each, and wrap-up times."""
    rows: list[Any] = await conn.fetch(
        "SELECT m.queue_name AS name, m.penalty, q.wrapup_time, q.extension,"
        " (l.queue_name IS NULL) AS logged_in"
        " FROM acd_queue_members m"
        " JOIN acd_queues q ON q.tenant_id = m.tenant_id AND q.name = m.queue_name"
        " LEFT JOIN agent_queue_logouts l ON l.tenant_id = m.tenant_id"
        " AND l.extension = m.extension AND l.queue_name = m.queue_name"
        " WHERE m.tenant_id = $1 AND m.extension = $2 ORDER BY m.queue_name",
        tenant_id,
        extension,
    )
    return rows


async def set_queue_login(
    conn: Any, tenant_id: str, extension: str, queue: str, logged_in: bool
) -> None:
    """Record a per-queue login or logout."""
    if logged_in:
        await conn.execute(
            "DELETE FROM agent_queue_logouts WHERE tenant_id = $1 AND extension = $2"
            " AND queue_name = $3",
            tenant_id,
            extension,
            queue,
        )
    else:
        await conn.execute(
            "INSERT INTO agent_queue_logouts (tenant_id, extension, queue_name)"
            " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            tenant_id,
            extension,
            queue,
        )


async def upsert_note(
    conn: Any,
    tenant_id: str,
    linkedid: str,
    extension: str,
    note: str,
    disposition: str,
    context: dict[str, Any],
) -> Any:
    """Save (or replace) the note of a call."""
    return await conn.fetchrow(
        "INSERT INTO call_notes (tenant_id, linkedid, agent_extension, note, disposition, context)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb)"
        " ON CONFLICT (tenant_id, linkedid) DO UPDATE"
        " SET agent_extension = EXCLUDED.agent_extension,"
        " note = EXCLUDED.note, disposition = EXCLUDED.disposition,"
        " context = CASE WHEN EXCLUDED.context = '{}'::jsonb THEN call_notes.context"
        " ELSE EXCLUDED.context END, updated_at = now()"
        " RETURNING tenant_id, linkedid, agent_extension, note, disposition, context, updated_at",
        tenant_id,
        linkedid,
        extension,
        note,
        disposition,
        json.dumps(context),
    )


async def get_note(conn: Any, tenant_id: str, linkedid: str) -> Any:
    """The note of a call, or None."""
    return await conn.fetchrow(
        "SELECT tenant_id, linkedid, agent_extension, note, disposition, context, updated_at"
        " FROM call_notes WHERE tenant_id = $1 AND linkedid = $2",
        tenant_id,
        linkedid,
    )


async def seat_exists(conn: Any, tenant_id: str, extension: str) -> bool:
    """Whether the tenant has this seat."""
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM seats WHERE tenant_id = $1 AND extension = $2", tenant_id, extension
        )
    )


async def queue_interfaces(conn: Any, endpoint: str) -> list[str]:
    """The interfaces app_queue knows a seat by (a forwarded seat's is a Local channel).

    Asterisk's ``queue_members`` has no tenant column; the endpoint id names the tenant.
    """
    rows = await conn.fetch(
        "SELECT DISTINCT interface FROM queue_members WHERE membername = $1", endpoint
    )
    return [r["interface"] for r in rows]


async def call_recordings(conn: Any, tenant_id: str, linkedid: str) -> list[Any]:
    """The recordings of one call of the tenant."""
    rows: list[Any] = await conn.fetch(
        "SELECT id, seconds FROM recordings WHERE tenant_id = $1 AND linkedid = $2 ORDER BY id",
        tenant_id,
        linkedid,
    )
    return rows


async def transfer_extension(
    conn: Any, tenant_id: str, target_type: str, target: str
) -> str | None:
    """The extension a transfer to a seat (``agent``) or a queue of the tenant dials."""
    if target_type == "agent":
        sql = "SELECT extension FROM seats WHERE tenant_id = $1 AND extension = $2"
    else:
        sql = "SELECT extension FROM acd_queues WHERE tenant_id = $1 AND name = $2"
    found: str | None = await conn.fetchval(sql, tenant_id, target)
    return found
