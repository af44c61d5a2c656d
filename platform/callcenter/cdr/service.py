"""Reading a tenant's call records."""

from __future__ import annotations

from typing import Any

from callcenter.asterisk.naming import endpoint_id
from callcenter.auth.principal import Principal
from callcenter.cdr import repo
from callcenter.db.pool import connection


def _agent(tenant_id: str, channel: str) -> str | None:
    prefix = f"PJSIP/{endpoint_id(tenant_id, '')}"
    if channel.startswith(prefix):
        return channel[len(prefix) :].rsplit("-", 1)[0]
    return None


async def list_cdrs(
    pool: Any, who: Principal, tenant_id: str, limit: int = 100
) -> list[dict[str, Any]]:
    """The tenant's latest call legs, newest first."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.list_cdrs(conn, tenant_id, limit)
    return [
        {
            "id": r["id"],
            "start": r["start"] and r["start"].isoformat(),
            "answer": r["answer"] and r["answer"].isoformat(),
            "end": r["end"] and r["end"].isoformat(),
            "caller": r["src"],
            "dialled": r["dst"],
            "did": r["did"],
            "direction": r["direction"],
            "queue": r["queue"],
            "agent": _agent(tenant_id, r["dstchannel"]),
            "duration": r["duration"],
            "billsec": r["billsec"],
            "disposition": r["disposition"],
            "uniqueid": r["uniqueid"],
            "linkedid": r["linkedid"],
        }
        for r in rows
    ]


def leg_view(row: Any) -> dict[str, Any]:
    """One leg of a call as the call record shows it (``call_legs`` rows)."""
    return {
        "start": row["start"] and row["start"].isoformat(),
        "answer": row["answer"] and row["answer"].isoformat(),
        "end": row["end"] and row["end"].isoformat(),
        "caller": row["src"],
        "did": row["did"],
        "direction": row["direction"],
        "queue": row["queue"],
        "channel": row["channel"],
        "dstchannel": row["dstchannel"],
        "billsec": row["billsec"],
        "disposition": row["disposition"],
        "uniqueid": row["uniqueid"],
    }
