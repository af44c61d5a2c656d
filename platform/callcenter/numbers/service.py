"""Assigning numbers to tenants and routing them."""

from __future__ import annotations

from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.destinations.service import check_tenant_destination
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.numbers import repo
from callcenter.numbers.parsing import format_display, parse_number
from callcenter.numbers.schemas import AssignIn, RouteIn


def _view(row: Any) -> dict[str, Any]:
    parsed = parse_number(row["number"])
    route = None
    if row["destination_type"]:
        route = {
            "type": row["destination_type"],
            "target": row["destination"],
            "schedule": row["schedule"],
            "max_calls": row["max_calls"],
            "priority": row["priority"],
            "language": row["language"],
        }
    return {
        "number": row["number"],
        "display": format_display(parsed),
        "e164": parsed.e164,
        "kind": row["kind"],
        "route": route,
    }


async def assign_number(
    pool: Any, who: Principal, tenant_id: str, data: AssignIn
) -> dict[str, Any]:
    """Operator: give a 400 or city number to a tenant."""
    who.require_operator()
    parsed = parse_number(data.number, field="number")
    if parsed.kind == "mobile":
        raise InvalidInput("a hotline is a 400 or a city number", field="number")
    async with transaction(pool) as conn:
        if not await conn.fetchval("SELECT 1 FROM tenants WHERE id = $1", tenant_id):
            raise NotFound("no such tenant", tenant=tenant_id)
        row = await repo.assign(conn, tenant_id, parsed.national, parsed.kind)
    if row is None:
        raise Conflict("number belongs to another tenant", field="number")
    return _view(row)


async def list_numbers(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """A tenant's numbers."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return [_view(r) for r in await repo.list_numbers(conn, tenant_id)]


async def route_number(
    pool: Any, who: Principal, tenant_id: str, number: str, data: RouteIn
) -> dict[str, Any]:
    """Tenant admin: send calls to one of the tenant's own destinations, by schedule."""
    who.require_tenant(tenant_id, "tenant_admin")
    national = parse_number(number, field="number").national
    kind = "agent" if data.type == "seat" else data.type
    async with transaction(pool) as conn:
        _, target = await check_tenant_destination(conn, tenant_id, kind, data.target, "route")
        if data.schedule is not None and not await conn.fetchval(
            "SELECT 1 FROM schedules WHERE tenant_id = $1 AND name = $2", tenant_id, data.schedule
        ):
            raise NotFound("no such schedule", field="schedule")
        row = await repo.set_route(
            conn,
            tenant_id,
            national,
            kind,
            target,
            schedule=data.schedule,
            max_calls=data.max_calls,
            priority=data.priority,
            language=data.language,
        )
    if row is None:
        raise NotFound("no such number", field="number")
    return _view(row)


async def list_inventory(pool: Any, who: Principal) -> list[dict[str, Any]]:
    """Operator: every number with the tenant holding it (None when free)."""
    who.require_operator()
    async with connection(pool) as conn:
        return [{**_view(r), "tenant_id": r["tenant_id"]} for r in await repo.list_inventory(conn)]


async def release_number(pool: Any, who: Principal, tenant_id: str, number: str) -> None:
    """Operator: take a number back from a tenant; its route goes with it."""
    who.require_operator()
    parsed = parse_number(number, field="number")
    async with transaction(pool) as conn:
        if not await repo.release(conn, tenant_id, parsed.national):
            raise NotFound("the tenant has no such number", field="number")
        # Outside calls must not keep showing a number the tenant no longer holds.
        await repo.forget_caller_number(conn, tenant_id, parsed.national)
