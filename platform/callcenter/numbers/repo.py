"""Numbers in PostgreSQL. Every tenant-facing query filters by tenant."""

from __future__ import annotations

from typing import Any

_COLUMNS = (
    "number, kind, tenant_id, destination_type, destination, schedule, max_calls, priority,"
    " assigned_at, language"
)


async def assign(conn: Any, tenant_id: str, number: str, kind: str) -> Any:
    """Give ``number`` to ``tenant_id``; None when another tenant holds it."""
    return await conn.fetchrow(
        f"INSERT INTO numbers (number, kind, tenant_id, assigned_at) VALUES ($1, $2, $3, now())"  # noqa: S608
        f" ON CONFLICT (number) DO UPDATE SET tenant_id = EXCLUDED.tenant_id,"
        f" assigned_at = now() WHERE numbers.tenant_id IS NULL OR numbers.tenant_id = $3"
        f" RETURNING {_COLUMNS}",
        number,
        kind,
        tenant_id,
    )


async def list_numbers(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's numbers."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_COLUMNS} FROM numbers WHERE tenant_id = $1 ORDER BY number",  # noqa: S608
        tenant_id,
    )
    return rows


async def set_route(
    conn: Any,
    tenant_id: str,
    number: str,
    dest_type: str,
    dest: str,
    *,
    schedule: str | None,
    max_calls: int,
    priority: int,
    language: str | None = None,
) -> Any:
    """Point a tenant's number at a destination; None if the tenant has no such number."""
    return await conn.fetchrow(
        f"UPDATE numbers SET destination_type = $3, destination = $4, schedule = $5,"  # noqa: S608
        f" max_calls = $6, priority = $7, language = $8"
        f" WHERE tenant_id = $1 AND number = $2 RETURNING {_COLUMNS}",
        tenant_id,
        number,
        dest_type,
        dest,
        schedule,
        max_calls,
        priority,
        language,
    )


async def release(conn: Any, tenant_id: str, number: str) -> bool:
    """Take a number back from a tenant."""
    result: str = await conn.execute(
        "UPDATE numbers SET tenant_id = NULL, destination_type = NULL, destination = NULL,"
        " schedule = NULL, max_calls = 0, priority = 0,"
        " assigned_at = NULL WHERE tenant_id = $1 AND number = $2",
        tenant_id,
        number,
    )
    return result.endswith(" 1")


async def list_inventory(conn: Any) -> list[Any]:
    """Every number the platform holds, assigned or free (operators only)."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_COLUMNS} FROM numbers ORDER BY number"  # noqa: S608
    )
    return rows


async def forget_caller_number(conn: Any, tenant_id: str, number: str) -> None:
    """Stop presenting ``number`` on the tenant's outside calls (after it is released)."""
    await conn.execute(
        "UPDATE tenants SET caller_number = NULL WHERE id = $1 AND caller_number = $2",
        tenant_id,
        number,
    )
