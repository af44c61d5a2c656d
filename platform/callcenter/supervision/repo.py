"""The seats a supervision request names, in PostgreSQL."""

from __future__ import annotations

from typing import Any


async def supervisor_flags(conn: Any, tenant_id: str, extensions: list[str]) -> dict[str, bool]:
    """Of these extensions, the tenant's seats and whether each may supervise."""
    return {
        r["extension"]: r["supervisor"]
        for r in await conn.fetch(
            "SELECT extension, supervisor FROM seats WHERE tenant_id = $1"
            " AND extension = ANY($2::text[])",
            tenant_id,
            extensions,
        )
    }
