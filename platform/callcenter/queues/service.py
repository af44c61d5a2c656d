"""Creating queues and setting their members."""

from __future__ import annotations

import json
from typing import Any

from callcenter.asterisk import realtime
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.queues import repo
from callcenter.queues.schemas import MemberIn, MembersIn, QueueIn


def _pairs(members: list[MemberIn]) -> list[tuple[str, int]]:
    seen: set[str] = set()
    for i, m in enumerate(members):
        if m.extension in seen:
            raise InvalidInput("member listed twice", field=f"members[{i}].extension")
        seen.add(m.extension)
    return [(m.extension, m.penalty) for m in members]


async def _write_members(conn: Any, tenant_id: str, name: str, members: list[MemberIn]) -> None:
    pairs = _pairs(members)
    for i, (ext, _) in enumerate(pairs):
        if not await conn.fetchval(
            "SELECT 1 FROM seats WHERE tenant_id = $1 AND extension = $2", tenant_id, ext
        ):
            raise NotFound("no such seat", field=f"members[{i}].extension")
    await repo.replace_members(conn, tenant_id, name, pairs)
    await realtime.set_queue_members(conn, tenant_id, name, pairs)


async def create_queue(pool: Any, who: Principal, tenant_id: str, data: QueueIn) -> dict[str, Any]:
    """Create a queue with its members; callable the moment this returns."""
    who.require_tenant(tenant_id, "tenant_admin")
    try:
        async with transaction(pool) as conn:
            if await repo.extension_taken(conn, tenant_id, data.extension):
                raise Conflict("extension already in use", field="extension")
            await repo.insert_queue(
                conn,
                tenant_id,
                data.name,
                data.extension,
                data.strategy,
                data.ring_timeout,
                data.wrapup_time,
            )
            await realtime.put_queue(
                conn,
                tenant_id,
                data.name,
                strategy=data.strategy,
                ring_timeout=data.ring_timeout,
                wrapup_time=data.wrapup_time,
                max_len=data.max_len,
                retry=data.retry,
            )
            await _write_members(conn, tenant_id, data.name, data.members)
    except Conflict as exc:
        if "field" in exc.details:
            raise
        raise Conflict("queue already exists", field="name") from exc
    return {
        "name": data.name,
        "extension": data.extension,
        "strategy": data.strategy,
        "ring_timeout": data.ring_timeout,
        "wrapup_time": data.wrapup_time,
        "members": [m.model_dump() for m in data.members],
    }


async def set_members(
    pool: Any, who: Principal, tenant_id: str, name: str, data: MembersIn
) -> None:
    """Replace a queue's members."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        if not await repo.queue_exists(conn, tenant_id, name):
            raise NotFound("no such queue", field="name")
        await _write_members(conn, tenant_id, name, data.members)


async def list_queues(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """A tenant's queues."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.list_queues(conn, tenant_id)
    return [
        {
            "name": r["name"],
            "extension": r["extension"],
            "strategy": r["strategy"],
            "ring_timeout": r["ring_timeout"],
            "wrapup_time": r["wrapup_time"],
            "members": json.loads(r["members"]),
        }
        for r in rows
    ]
