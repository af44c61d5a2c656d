"""Creating queues, changing their options and members: live at the next call."""

from __future__ import annotations

import json
from typing import Any

from callcenter.asterisk import realtime
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, on_conflict, transaction
from callcenter.destinations import repo as destinations_repo
from callcenter.destinations.service import check_tenant_destination
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.queues import repo
from callcenter.queues.errors import QueueExists
from callcenter.queues.schemas import MemberIn, MembersIn, QueueIn, QueueOptions
from callcenter.seats.errors import ExtensionTaken, NoSuchSeat

_OVERFLOWS = ("timeout", "empty", "full")


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
            raise NoSuchSeat("no such seat", field=f"members[{i}].extension")
    await repo.replace_members(conn, tenant_id, name, pairs)
    await realtime.set_queue_members(conn, tenant_id, name, pairs)


async def _columns(conn: Any, tenant_id: str, name: str, data: QueueOptions) -> dict[str, Any]:
    """Validated option columns; overflow destinations must exist in the tenant."""
    cols: dict[str, Any] = data.model_dump(exclude={"overflow", "name", "extension", "members"})
    for which in _OVERFLOWS:
        dest = getattr(data.overflow, which)
        kind = target = None
        if dest is not None:
            if dest.kind == "queue" and dest.target == name:
                raise InvalidInput(
                    "a queue cannot overflow into itself", field=f"overflow.{which}.target"
                )
            kind, target = await check_tenant_destination(
                conn, tenant_id, dest.kind, dest.target, f"overflow.{which}"
            )
        cols[f"overflow_{which}_kind"] = kind
        cols[f"overflow_{which}_target"] = target or ""
    return cols


async def _publish(conn: Any, tenant_id: str, name: str, data: QueueOptions) -> None:
    await realtime.put_queue(
        conn,
        tenant_id,
        name,
        strategy=data.strategy,
        ring_timeout=data.ring_timeout,
        wrapup_time=data.wrapup_time,
        max_len=data.max_len,
        retry=data.retry,
        music_class=data.music_class,
        announce_position=data.announce_position,
        announce_holdtime=data.announce_holdtime,
        announce_frequency=data.announce_frequency,
        service_level=data.service_level,
        callback_key=data.callback_key,
        leave_when_empty=data.overflow.empty is not None,
    )


def _view(row: Any) -> dict[str, Any]:
    overflow = {}
    for which in _OVERFLOWS:
        kind = row[f"overflow_{which}_kind"]
        overflow[which] = (
            {"kind": kind, "target": row[f"overflow_{which}_target"]} if kind else None
        )
    view = {k: row[k] for k in row.keys() if not k.startswith("overflow_") and k != "members"}
    view["overflow"] = overflow
    if "members" in row.keys():
        view["members"] = json.loads(row["members"])
    return view


async def create_queue(pool: Any, who: Principal, tenant_id: str, data: QueueIn) -> dict[str, Any]:
    """Create a queue with its members; callable the moment this returns."""
    who.require_tenant(tenant_id, "tenant_admin")
    exists = QueueExists("queue already exists", field="name")
    async with transaction(pool) as conn, on_conflict(exists):
        if await repo.extension_taken(conn, tenant_id, data.extension):
            raise ExtensionTaken("extension already in use", field="extension")
        if await repo.queue_exists(conn, tenant_id, data.name):
            raise exists
        cols = await _columns(conn, tenant_id, data.name, data)
        await repo.insert_queue(conn, tenant_id, data.name, data.extension, cols)
        await _publish(conn, tenant_id, data.name, data)
        await _write_members(conn, tenant_id, data.name, data.members)
        (row,) = await repo.list_queues(conn, tenant_id, data.name)
    return _view(row)


async def update_queue(
    pool: Any, who: Principal, tenant_id: str, name: str, data: QueueOptions
) -> dict[str, Any]:
    """Replace a queue's options (not its members); callers joining next get them."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        if not await repo.queue_exists(conn, tenant_id, name):
            raise NotFound("no such queue", field="name")
        cols = await _columns(conn, tenant_id, name, data)
        await repo.update_queue(conn, tenant_id, name, cols)
        await _publish(conn, tenant_id, name, data)
        (row,) = await repo.list_queues(conn, tenant_id, name)
    return _view(row)


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
        return [_view(r) for r in await repo.list_queues(conn, tenant_id)]


async def delete_queue(pool: Any, who: Principal, tenant_id: str, name: str) -> None:
    """Remove a queue nothing sends calls to (numbers, schedules, IVRs, other queues'
    overflow); otherwise a Conflict naming them in ``used_by``."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        if not await repo.queue_exists(conn, tenant_id, name):
            raise NotFound("no such queue", field="name")
        used = [
            u
            for u in await destinations_repo.users_of(conn, tenant_id, "queue", name)
            if u != f"queue {name}"
        ]
        if used:
            raise Conflict("the queue is still in use", field="name", used_by=used)
        await realtime.delete_queue(conn, tenant_id, name)
        await repo.delete_queue(conn, tenant_id, name)
