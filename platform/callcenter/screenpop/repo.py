"""A tenant's integrations (CRM lookup URL, webhook) in PostgreSQL."""

from __future__ import annotations

from typing import Any


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
