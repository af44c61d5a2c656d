"""Saving IVRs: a tree that loops forever or points nowhere is refused, naming the field."""

from __future__ import annotations

from typing import Any

from callcenter import documents
from callcenter.auth.principal import Principal
from callcenter.db.pool import transaction
from callcenter.destinations.service import check_tenant_destination
from callcenter.errors import InvalidInput, NotFound
from callcenter.ivrs import repo
from callcenter.prompts import repo as prompts_repo
from callcenter.routing.ivr import lookup_hosts, parse_ivr
from callcenter.selfservice import repo as selfservice_repo

IVRS = documents.DocumentKind("ivrs", "IVR", "still in use", "used_by")


async def put_ivr(
    pool: Any, who: Principal, tenant_id: str, name: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Create or replace an IVR; the next call to a number routed here walks the new tree."""
    documents.check_put(who, tenant_id, IVRS, name)
    ivr = parse_ivr(body)
    async with transaction(pool) as conn:
        prompts = [("greeting", ivr.greeting)]
        prompts += [(f"menus.{m.name}.prompt", m.prompt) for m in ivr.menus.values()]
        for field, prompt in prompts:
            if prompt.startswith("tenant/") and not await prompts_repo.exists(
                conn, tenant_id, prompt.removeprefix("tenant/")
            ):
                raise NotFound("no such uploaded prompt", field=field)
        for menu in ivr.menus.values():
            for path, action in menu.actions():
                if action.terminal and action.kind not in ("hangup", "dnc"):
                    await check_tenant_destination(
                        conn, tenant_id, action.kind, action.target, f"menus.{menu.name}.{path}"
                    )
        hosts = lookup_hosts(ivr)
        if hosts:
            api = await selfservice_repo.get_api(conn, tenant_id)
            for menu in ivr.menus.values():
                if menu.lookup is None:
                    continue
                host = menu.lookup.url.removeprefix("https://").partition("/")[0]
                if api is None or api["host"] != host:
                    raise InvalidInput(
                        "a lookup may only call the tenant's configured API host",
                        field=f"menus.{menu.name}.url",
                    )
        await repo.put_ivr(conn, tenant_id, name, ivr, body)
        row = await documents.fetch_row(conn, tenant_id, IVRS, name)
    return documents.view(row)


async def delete_ivr(pool: Any, who: Principal, tenant_id: str, name: str) -> None:
    """Remove an IVR nothing points at."""
    await documents.delete_unused(pool, who, tenant_id, IVRS, name, repo.users_of)
