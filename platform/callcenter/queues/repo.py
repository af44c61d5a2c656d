"""Queues in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


async def insert_queue(
    conn: Any,
    tenant_id: str,
    name: str,
    extension: str,
    strategy: str,
    ring_timeout: int,
    wrapup_time: int,
) -> Any:
    """Create a queue row."""
    return await conn.fetchrow(
        "INSERT INTO acd_queues (tenant_id, name, extension, strategy, ring_timeout,"
        " wrapup_time) VALUES ($1, $2, $3, $4, $5, $6)"
        " RETURNING tenant_id, name, extension, strategy, ring_timeout, wrapup_time",
        tenant_id,
        name,
        extension,
        strategy,
        ring_timeout,
        wrapup_time,
    )


async def replace_members(
    conn: Any, tenant_id: str, name: str, members: Sequence[tuple[str, int]]
) -> None:
    """Set a queue's members; an unknown extension raises ForeignKeyViolation."""
    await conn.execute(
        "DELETE FROM acd_queue_members WHERE tenant_id = $1 AND queue_name = $2", tenant_id, name
    )
    await conn.executemany(
        "INSERT INTO acd_queue_members (tenant_id, queue_name, extension, penalty)"
        " VALUES ($1, $2, $3, $4)",
        [(tenant_id, name, ext, pen) for ext, pen in members],
    )


async def extension_taken(conn: Any, tenant_id: str, extension: str) -> bool:
    """Whether a seat or queue of the tenant already uses ``extension``."""
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM seats WHERE tenant_id = $1 AND extension = $2 UNION ALL"
            " SELECT 1 FROM acd_queues WHERE tenant_id = $1 AND extension = $2",
            tenant_id,
            extension,
        )
    )


async def list_queues(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's queues with their members."""
    rows: list[Any] = await conn.fetch(
        "SELECT q.name, q.extension, q.strategy, q.ring_timeout, q.wrapup_time,"
        " coalesce(json_agg(json_build_object('extension', m.extension, 'penalty', m.penalty)"
        " ORDER BY m.extension) FILTER (WHERE m.extension IS NOT NULL), '[]')::text AS members"
        " FROM acd_queues q LEFT JOIN acd_queue_members m"
        " ON m.tenant_id = q.tenant_id AND m.queue_name = q.name"
        " WHERE q.tenant_id = $1 GROUP BY q.tenant_id, q.name ORDER BY q.name",
        tenant_id,
    )
    return rows


async def queue_exists(conn: Any, tenant_id: str, name: str) -> bool:
    """Whether the tenant has this queue."""
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM acd_queues WHERE tenant_id = $1 AND name = $2", tenant_id, name
        )
    )
