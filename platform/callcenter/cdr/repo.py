"""CDRs in PostgreSQL, always filtered by tenant."""

from __future__ import annotations

from typing import Any


async def list_cdrs(conn: Any, tenant_id: str, limit: int) -> list[Any]:
    """The tenant's latest call legs."""
    rows: list[Any] = await conn.fetch(
        'SELECT id, start, answer, "end", src, dst, did, direction, queue, channel,'
        " dstchannel, duration, billsec, disposition, uniqueid, linkedid, peeraccount"
        " FROM cdr WHERE tenantid = $1 ORDER BY id DESC LIMIT $2",
        tenant_id,
        limit,
    )
    return rows
