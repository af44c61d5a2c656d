"""Tenants in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_COLUMNS = (
    "id, name, status, created_at, max_calls, max_outbound, outbound_patterns, caller_number,"
    " recording_policy, recording_retention_days, max_open_callbacks, language, closed_at"
)


async def insert_tenant(conn: Any, tenant_id: str, name: str) -> Any:
    """Create a tenant row; a taken id raises UniqueViolation (mapped to Conflict)."""
    return await conn.fetchrow(
        f"INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING {_COLUMNS}",  # noqa: S608
        tenant_id,
        name,
    )


async def get_tenant(conn: Any, tenant_id: str) -> Any:
    """One tenant, or None."""
    return await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM tenants WHERE id = $1",  # noqa: S608
        tenant_id,
    )


async def list_tenants(conn: Any) -> list[Any]:
    """Every tenant (operators only)."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_COLUMNS} FROM tenants ORDER BY id"  # noqa: S608
    )
    return rows


async def set_limits(
    conn: Any,
    tenant_id: str,
    *,
    max_calls: int,
    max_outbound: int,
    patterns: Sequence[str],
    regex: str,
    caller_number: str | None,
    max_open_callbacks: int,
) -> Any:
    """Caps and outbound policy; the dialplan reads them at the next call."""
    return await conn.fetchrow(
        "UPDATE tenants SET max_calls = $2, max_outbound = $3, outbound_patterns = $4,"  # noqa: S608
        " outbound_regex = $5, caller_number = $6, max_open_callbacks = $7"
        f" WHERE id = $1 RETURNING {_COLUMNS}",
        tenant_id,
        max_calls,
        max_outbound,
        list(patterns),
        regex,
        caller_number,
        max_open_callbacks,
    )


async def set_status(conn: Any, tenant_id: str, status: str) -> Any:
    """Suspend or reactivate; the dialplan reads ``tenants.status`` at the next call."""
    return await conn.fetchrow(
        f"UPDATE tenants SET status = $2 WHERE id = $1 RETURNING {_COLUMNS}",  # noqa: S608
        tenant_id,
        status,
    )


async def set_language(conn: Any, tenant_id: str, language: str) -> Any:
    """What the tenant's callers hear (numbers and IVRs without their own language)."""
    return await conn.fetchrow(
        f"UPDATE tenants SET language = $2 WHERE id = $1 RETURNING {_COLUMNS}",  # noqa: S608
        tenant_id,
        language,
    )


async def close(conn: Any, tenant_id: str) -> Any:
    """Mark a tenant closed (None: no such tenant, or closed already); its numbers go back to
    the inventory and its seats stop being billed. Nothing is deleted: invoices, usage, CDRs
    and the seats' billing history stay."""
    row = await conn.fetchrow(
        "UPDATE tenants SET status = 'closed', closed_at = now(), caller_number = NULL"  # noqa: S608
        f" WHERE id = $1 AND status <> 'closed' RETURNING {_COLUMNS}",
        tenant_id,
    )
    if row is not None:
        await conn.execute(
            "UPDATE numbers SET tenant_id = NULL, destination_type = NULL, destination = NULL,"
            " schedule = NULL, max_calls = 0, priority = 0, language = NULL, assigned_at = NULL"
            " WHERE tenant_id = $1",
            tenant_id,
        )
        # Its seats are no longer billed from now on (the history up to now is kept).
        await conn.execute(
            "UPDATE billing_seat_history SET removed_at = now()"
            " WHERE tenant_id = $1 AND removed_at IS NULL",
            tenant_id,
        )
    return row
