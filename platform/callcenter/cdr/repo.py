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


_TYPES = {
    **dict.fromkeys(("calldate", "start", "answer", "end"), "timestamptz"),
    **dict.fromkeys(("duration", "billsec", "amaflags", "sequence"), "integer"),
}


async def insert_lost_calls(conn: Any, rows: list[tuple[Any, ...]]) -> int:
    """Insert legs synthesized for a lost node's calls (``records.lost_call_row``); a leg
    already written (same key), or a call whose real leg already covers its end, is skipped.
    Returns how many were inserted."""
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    params = ", ".join(f"${i}::{_TYPES.get(c, 'text')}" for i, c in enumerate(COLUMNS, 1))
    linkedid = COLUMNS.index("linkedid") + 1
    end = COLUMNS.index("end") + 1
    disposition = COLUMNS.index("disposition") + 1
    inserted = 0
    for row in rows:
        # The same rule as the trigger that lets a real leg replace a synthesized one
        # (migration 0017): a real leg reaching the loss, not a lesser outcome, is the record.
        status = await conn.execute(
            f"INSERT INTO cdr ({columns}) SELECT {params}"  # noqa: S608 - constant columns
            f" WHERE NOT EXISTS (SELECT 1 FROM cdr WHERE linkedid = ${linkedid}::text"
            " AND written_by IS DISTINCT FROM 'node-lost'"
            f" AND \"end\" >= ${end}::timestamptz - interval '2 seconds'"
            f" AND (disposition = 'ANSWERED' OR ${disposition}::text <> 'ANSWERED'))"
            " ON CONFLICT (uniqueid, sequence) DO NOTHING",
            *row,
        )
        inserted += int(status.rsplit(" ", 1)[-1])
    return inserted
