"""Recording policy and recordings in PostgreSQL."""

from __future__ import annotations

from typing import Any


async def set_policy(conn: Any, tenant_id: str, policy: str, retention_days: int) -> None:
    """Store the tenant's recording policy and retention period."""
    await conn.execute(
        "UPDATE tenants SET recording_policy = $2, recording_retention_days = $3 WHERE id = $1",
        tenant_id,
        policy,
        retention_days,
    )


async def policy_of(conn: Any, tenant_id: str) -> str | None:
    """The tenant's recording policy."""
    policy: str | None = await conn.fetchval(
        "SELECT recording_policy FROM tenants WHERE id = $1", tenant_id
    )
    return policy


async def agent_extension(conn: Any, tenant_id: str, user_id: int) -> str | None:
    """The seat of the tenant's agent with this user id."""
    ext: str | None = await conn.fetchval(
        "SELECT extension FROM agents WHERE tenant_id = $1 AND user_id = $2", tenant_id, user_id
    )
    return ext


async def list_recordings(conn: Any, tenant_id: str, linkedid: str | None) -> list[Any]:
    """The tenant's newest 500 recordings, of one call if ``linkedid`` is given."""
    rows: list[Any] = await conn.fetch(
        "SELECT id, uniqueid, linkedid, seconds, created_at FROM recordings"
        " WHERE tenant_id = $1 AND ($2::text IS NULL OR linkedid = $2)"
        " ORDER BY created_at DESC LIMIT 500",
        tenant_id,
        linkedid,
    )
    return rows


async def audio(conn: Any, tenant_id: str, recording_id: int) -> bytes | None:
    """A recording's WAV bytes, or None."""
    data = await conn.fetchval(
        "SELECT audio FROM recordings WHERE tenant_id = $1 AND id = $2", tenant_id, recording_id
    )
    return None if data is None else bytes(data)


async def purge_expired(conn: Any) -> int:
    """Delete recordings (all tenants) older than their tenant's retention period."""
    result: str = await conn.execute(
        "DELETE FROM recordings r USING tenants t WHERE r.tenant_id = t.id"
        " AND r.created_at < now() - make_interval(days => t.recording_retention_days)"
    )
    return int(result.split()[-1])
