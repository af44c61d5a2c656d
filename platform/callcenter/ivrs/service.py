"""Saving IVRs: a tree that loops forever or points nowhere is refused, naming the field."""

from __future__ import annotations

import json
import re
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.destinations.service import check_tenant_destination
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.ivrs import repo
from callcenter.routing.ivr import parse_ivr

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _view(row: Any) -> dict[str, Any]:
    return {
        "name": row["name"],
        **json.loads(row["definition"]),
        "updated_at": row["updated_at"].isoformat(),
    }


async def put_ivr(
    pool: Any, who: Principal, tenant_id: str, name: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Create or replace an IVR; the next call to a number routed here walks the new tree."""
    who.require_tenant(tenant_id, "tenant_admin")
    if not NAME_RE.match(name):
        raise InvalidInput("an IVR name is lowercase letters, digits and _", field="name")
    ivr = parse_ivr(body)
    async with transaction(pool) as conn:
        prompts = [("greeting", ivr.greeting)]
        prompts += [(f"menus.{m.name}.prompt", m.prompt) for m in ivr.menus.values()]
        for field, prompt in prompts:
            if prompt.startswith("tenant/") and not await conn.fetchval(
                "SELECT 1 FROM prompts WHERE tenant_id = $1 AND name = $2",
                tenant_id,
                prompt.removeprefix("tenant/"),
            ):
                raise NotFound("no such uploaded prompt", field=field)
        for menu in ivr.menus.values():
            for path, action in menu.actions():
                if action.terminal and action.kind != "hangup":
                    await check_tenant_destination(
                        conn, tenant_id, action.kind, action.target, f"menus.{menu.name}.{path}"
                    )
        await repo.put_ivr(conn, tenant_id, name, ivr, body)
        row = await repo.get_ivr(conn, tenant_id, name)
    return _view(row)


async def get_ivr(pool: Any, who: Principal, tenant_id: str, name: str) -> dict[str, Any]:
    """One of the tenant's IVRs."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        row = await repo.get_ivr(conn, tenant_id, name)
    if row is None:
        raise NotFound("no such IVR", field="name")
    return _view(row)


async def list_ivrs(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's IVRs."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return [_view(r) for r in await repo.list_ivrs(conn, tenant_id)]


async def delete_ivr(pool: Any, who: Principal, tenant_id: str, name: str) -> None:
    """Remove an IVR nothing points at."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        users = await repo.users_of(conn, tenant_id, name)
        if users:
            raise Conflict("still in use", field="name", used_by=users)
        if not await repo.delete_ivr(conn, tenant_id, name):
            raise NotFound("no such IVR", field="name")
