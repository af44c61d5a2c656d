"""What the live workspace reads from PostgreSQL: the agent directory, wrap-up times, figures,
and a tenant's integrations (CRM lookup URL, webhook)."""

from __future__ import annotations

from typing import Any

from callcenter.db.notified import NotifiedCache


async def get_integrations(conn: Any, tenant_id: str) -> Any:
    """The tenant's integrations row, or None."""
    return await conn.fetchrow(
        "SELECT tenant_id, crm_lookup_url, crm_timeout_ms, webhook_url, webhook_secret"
        " FROM tenant_integrations WHERE tenant_id = $1",
        tenant_id,
    )


async def put_integrations(
    conn: Any,
    tenant_id: str,
    crm_lookup_url: str | None,
    crm_timeout_ms: int,
    webhook_url: str | None,
    webhook_secret: str | None,
) -> Any:
    """Create or replace the tenant's integrations."""
    return await conn.fetchrow(
        "INSERT INTO tenant_integrations (tenant_id, crm_lookup_url, crm_timeout_ms,"
        " webhook_url, webhook_secret) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (tenant_id) DO UPDATE SET crm_lookup_url = EXCLUDED.crm_lookup_url,"
        " crm_timeout_ms = EXCLUDED.crm_timeout_ms, webhook_url = EXCLUDED.webhook_url,"
        " webhook_secret = EXCLUDED.webhook_secret"
        " RETURNING tenant_id, crm_lookup_url, crm_timeout_ms, webhook_url, webhook_secret",
        tenant_id,
        crm_lookup_url,
        crm_timeout_ms,
        webhook_url,
        webhook_secret,
    )


_DIRECTORY = (
    "SELECT a.user_id, a.tenant_id, a.extension, a.display_name, a.device,"
    " a.logged_in, a.paused, a.pause_reason, s.endpoint_id"
    " FROM agents a JOIN seats s ON s.tenant_id = a.tenant_id AND s.extension = a.extension"
)


async def agent_directory(conn: Any) -> list[Any]:
    """Every tenant's agents with their seat's endpoint and stored presence (loaded at start)."""
    rows: list[Any] = await conn.fetch(f"{_DIRECTORY} ORDER BY a.tenant_id, a.extension")
    return rows


async def agent_of_user(conn: Any, tenant_id: str, user_id: int) -> Any:
    """One agent of the tenant as the directory has it, or None."""
    return await conn.fetchrow(
        f"{_DIRECTORY} WHERE a.tenant_id = $1 AND a.user_id = $2", tenant_id, user_id
    )


async def queue_wrapup(conn: Any, tenant_id: str, queue: str) -> int:
    """A queue's wrap-up time in seconds (0 if unknown)."""
    value: int | None = await conn.fetchval(
        "SELECT wrapup_time FROM acd_queues WHERE tenant_id = $1 AND name = $2", tenant_id, queue
    )
    return value or 0


async def today_figures(conn: Any, tenant_id: str, endpoint: str) -> Any:
    """Answered calls, talk time and missed rings of a seat since midnight (server time).

    A leg counts as answered only when it reached someone (a ``dstchannel``): a click-to-call
    whose number the tenant's policy refused leaves the agent's own answered leg with nobody
    on the other end, and that is neither a call answered nor a ring missed."""
    return await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE disposition = 'ANSWERED' AND dstchannel <> '') AS answered,"
        " coalesce(sum(billsec) FILTER (WHERE disposition = 'ANSWERED' AND dstchannel <> ''), 0)"
        " AS talk_s,"
        " count(*) FILTER (WHERE disposition <> 'ANSWERED' AND dstchannel LIKE $2) AS missed"
        " FROM cdr WHERE tenantid = $1 AND start >= date_trunc('day', now())"
        " AND (dstchannel LIKE $2 OR channel LIKE $2)",
        tenant_id,
        f"PJSIP/{endpoint}-%",
    )


def integrations_cache(pool: Any, dsn: str) -> NotifiedCache[str, Any]:
    """Each tenant's integrations row (or None) in memory, forgotten when it changes (the
    trigger of migration 0029)."""
    return NotifiedCache(
        pool, dsn, "cc_integrations", get_integrations, lambda payload, tenant: payload == tenant
    )


def wrapup_cache(pool: Any, dsn: str) -> NotifiedCache[tuple[str, str], int]:
    """Each ``(tenant, queue)``'s wrap-up time in memory, all forgotten whenever
    ``acd_queues`` changes (its ``cc_routes`` trigger, migration 0027)."""

    async def load(conn: Any, key: tuple[str, str]) -> int:
        return await queue_wrapup(conn, *key)

    return NotifiedCache(
        pool, dsn, "cc_routes", load, lambda payload, _key: payload == "acd_queues"
    )
