"""Seats in PostgreSQL."""

from __future__ import annotations

from typing import Any


async def insert_seat(conn: Any, tenant_id: str, extension: str, endpoint: str, name: str) -> Any:
    """Create a seat; a taken extension raises UniqueViolation (mapped to Conflict)."""
    return await conn.fetchrow(
        "INSERT INTO seats (tenant_id, extension, endpoint_id, name) VALUES ($1, $2, $3, $4)"
        " RETURNING tenant_id, extension, endpoint_id, name, forward_to, supervisor, created_at",
        tenant_id,
        extension,
        endpoint,
        name,
    )


async def list_seats(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's seats."""
    rows: list[Any] = await conn.fetch(
        "SELECT tenant_id, extension, endpoint_id, name, forward_to, supervisor, created_at"
        " FROM seats"
        " WHERE tenant_id = $1 ORDER BY extension",
        tenant_id,
    )
    return rows


async def delete_seat(conn: Any, tenant_id: str, extension: str) -> bool:
    """Remove a seat (its queue memberships go with it)."""
    result: str = await conn.execute(
        "DELETE FROM seats WHERE tenant_id = $1 AND extension = $2", tenant_id, extension
    )
    return result.endswith(" 1")


async def update_seat(
    conn: Any,
    tenant_id: str,
    extension: str,
    name: str | None,
    forward_to: str | None,
    supervisor: bool | None = None,
) -> Any:
    """Set the display name and supervisor flag (when given) and the forward number (None:
    ring the phone)."""
    return await conn.fetchrow(
        "UPDATE seats SET name = coalesce($3, name), forward_to = $4,"
        " supervisor = coalesce($5, supervisor) WHERE tenant_id = $1 AND extension = $2"
        " RETURNING tenant_id, extension, endpoint_id, name, forward_to, supervisor, created_at",
        tenant_id,
        extension,
        name,
        forward_to,
        supervisor,
    )
