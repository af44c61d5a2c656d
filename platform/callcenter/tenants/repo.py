"""Tenants in PostgreSQL."""

from __future__ import annotations

from typing import Any


async def insert_tenant(conn: Any, tenant_id: str, name: str) -> Any:
    """Create a tenant row; a taken id raises UniqueViolation (mapped to Conflict)."""
    return await conn.fetchrow(
        "INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING id, name, status, created_at",
        tenant_id,
        name,
    )


async def get_tenant(conn: Any, tenant_id: str) -> Any:
    """One tenant, or None."""
    return await conn.fetchrow(
        "SELECT id, name, status, created_at FROM tenants WHERE id = $1", tenant_id
    )


async def list_tenants(conn: Any) -> list[Any]:
    """Every tenant (operators only)."""
    rows: list[Any] = await conn.fetch(
        "SELECT id, name, status, created_at FROM tenants ORDER BY id"
    )
    return rows
