"""Whether a destination's target exists in the tenant, and the tenant's outbound pattern."""

from __future__ import annotations

from typing import Any

_EXISTS = {
    "queue": "SELECT 1 FROM acd_queues WHERE tenant_id = $1 AND name = $2",
    "ivr": "SELECT 1 FROM ivrs WHERE tenant_id = $1 AND name = $2",
    "agent": "SELECT 1 FROM seats WHERE tenant_id = $1 AND extension = $2",
    "voicemail": "SELECT 1 FROM mailboxes WHERE tenant_id = $1 AND mailbox = $2",
}
CHECKED_KINDS = frozenset(_EXISTS)


async def target_exists(conn: Any, tenant_id: str, kind: str, target: str) -> bool:
    """Whether the tenant has the queue, IVR, seat or mailbox ``target`` (a kind in
    ``CHECKED_KINDS``)."""
    return bool(await conn.fetchval(_EXISTS[kind], tenant_id, target))


async def outbound_regex(conn: Any, tenant_id: str) -> str | None:
    """The tenant's outbound policy: a pattern outside numbers must match, or None."""
    regex: str | None = await conn.fetchval(
        "SELECT outbound_regex FROM tenants WHERE id = $1", tenant_id
    )
    return regex
