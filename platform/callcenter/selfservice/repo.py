"""Self-service rows in PostgreSQL: the tenant's lookup API and the lookups calls made."""

from __future__ import annotations

from datetime import datetime
from typing import Any


async def get_api(conn: Any, tenant_id: str) -> Any:
    """The tenant's lookup API (host, secret), or None."""
    return await conn.fetchrow(
        "SELECT tenant_id, host, secret, updated_at FROM selfservice_apis WHERE tenant_id = $1",
        tenant_id,
    )


async def put_api(conn: Any, tenant_id: str, host: str, secret: str) -> Any:
    """Create or replace the tenant's lookup API."""
    return await conn.fetchrow(
        "INSERT INTO selfservice_apis (tenant_id, host, secret) VALUES ($1, $2, $3)"
        " ON CONFLICT (tenant_id) DO UPDATE SET host = EXCLUDED.host,"
        " secret = EXCLUDED.secret, updated_at = now()"
        " RETURNING tenant_id, host, secret, updated_at",
        tenant_id,
        host,
        secret,
    )


async def lookup_node(conn: Any, tenant_id: str, ivr: str) -> Any:
    """The IVR's stored definition (the lookup nodes' URL templates are read from it)."""
    return await conn.fetchrow(
        "SELECT i.definition, a.host, a.secret FROM ivrs i"
        " LEFT JOIN selfservice_apis a ON a.tenant_id = i.tenant_id"
        " WHERE i.tenant_id = $1 AND i.name = $2",
        tenant_id,
        ivr,
    )


async def record_lookup(
    conn: Any, tenant_id: str, ivr: str, menu: str, linkedid: str, status: str, latency_ms: int
) -> None:
    """One lookup a call made."""
    await conn.execute(
        "INSERT INTO selfservice_lookups (tenant_id, ivr, menu, linkedid, status, latency_ms)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        tenant_id,
        ivr,
        menu,
        linkedid,
        status,
        latency_ms,
    )


async def lookups(conn: Any, tenant_id: str, since: datetime, until: datetime) -> list[Any]:
    """The tenant's lookups in ``[since, until)``."""
    return list(
        await conn.fetch(
            "SELECT ivr, menu, status, latency_ms FROM selfservice_lookups"
            " WHERE tenant_id = $1 AND at >= $2 AND at < $3",
            tenant_id,
            since,
            until,
        )
    )


async def containment(conn: Any, tenant_id: str, since: datetime, until: datetime) -> list[Any]:
    """Per lookup node: calls that looked something up, and of those the ones that went on
    to a queue or an agent (their call's CDRs name a queue or a seat's channel)."""
    return list(
        await conn.fetch(
            "WITH calls AS (SELECT DISTINCT ivr, menu, linkedid FROM selfservice_lookups"
            "  WHERE tenant_id = $1 AND at >= $2 AND at < $3 AND linkedid <> '')"
            " SELECT ivr, menu, count(*) AS calls,"
            "  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM cdr c"
            "   WHERE c.linkedid = calls.linkedid AND c.tenantid = $1"
            "   AND (coalesce(c.queue, '') <> '' OR c.dstchannel LIKE 'PJSIP/' || $1 || '-%')"
            "  )) AS transferred"
            " FROM calls GROUP BY ivr, menu ORDER BY ivr, menu",
            tenant_id,
            since,
            until,
        )
    )
