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


async def users_of(conn: Any, tenant_id: str, kind: str, target: str) -> list[str]:
    """What still sends calls to the tenant's ``kind`` ``target``: numbers (their route),
    schedules (when closed), IVR menus and queues (overflow), named for a refusal."""
    rows = await conn.fetch(
        "SELECT 'number ' || number AS who FROM numbers"
        " WHERE tenant_id = $1 AND destination_type = $2 AND destination = $3"
        " UNION ALL SELECT 'schedule ' || name FROM schedules"
        " WHERE tenant_id = $1 AND closed_type = $2 AND closed_target = $3"
        " UNION ALL SELECT 'ivr ' || name FROM ivrs WHERE tenant_id = $1 AND jsonb_path_exists("
        "   definition, '$.** ? (@.kind == $k && @.target == $t)',"
        "   jsonb_build_object('k', $2::text, 't', $3::text))"
        " UNION ALL SELECT 'queue ' || name FROM acd_queues WHERE tenant_id = $1 AND ("
        "   (overflow_timeout_kind = $2 AND overflow_timeout_target = $3)"
        "   OR (overflow_empty_kind = $2 AND overflow_empty_target = $3)"
        "   OR (overflow_full_kind = $2 AND overflow_full_target = $3))",
        tenant_id,
        kind,
        target,
    )
    return sorted({r["who"] for r in rows})
