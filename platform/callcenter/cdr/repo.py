"""CDRs in PostgreSQL, always filtered by tenant."""

from __future__ import annotations

from typing import Any

from callcenter.cdr.records import COLUMNS


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


async def call_legs(conn: Any, tenant_id: str, linkedid: str) -> list[Any]:
    """The CDR legs of one call of the tenant."""
    rows: list[Any] = await conn.fetch(
        'SELECT id, start, answer, "end", src, dst, did, direction, queue, channel,'
        " dstchannel, duration, billsec, disposition, uniqueid, linkedid"
        " FROM cdr WHERE tenantid = $1 AND linkedid = $2 ORDER BY start, id",
        tenant_id,
        linkedid,
    )
    return rows


async def took_part_in_call(conn: Any, tenant_id: str, linkedid: str, endpoint: str) -> bool:
    """Whether a seat had a leg of this call (its CDR names the seat's channel)."""
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM cdr WHERE tenantid = $1 AND linkedid = $2"
            " AND (dstchannel LIKE $3 OR channel LIKE $3) LIMIT 1",
            tenant_id,
            linkedid,
            f"PJSIP/{endpoint}-%",
        )
    )


async def insert_cdrs(conn: Any, rows: list[tuple[Any, ...]]) -> None:
    """Insert CDR rows (``records.COLUMNS`` order); a key already present is skipped."""
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    params = ", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))
    await conn.executemany(
        f"INSERT INTO cdr ({columns}) VALUES ({params})"  # noqa: S608 - constant column list
        " ON CONFLICT (uniqueid, sequence) DO NOTHING",
        rows,
    )
