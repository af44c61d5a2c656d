"""Self-service settings and reports; tenant-scoped like every service."""

from __future__ import annotations

from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import InvalidInput
from callcenter.reports.schemas import ReportQuery
from callcenter.selfservice import core, repo
from callcenter.selfservice.schemas import LookupApiIn


def api_view(row: Any) -> dict[str, Any]:
    """The settings as clients see them: never the secret."""
    if row is None:
        return {"host": None, "secret_set": False}
    return {"host": row["host"], "secret_set": True}


async def get_api(pool: Any, who: Principal, tenant_id: str) -> dict[str, Any]:
    """The tenant's lookup API host."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return api_view(await repo.get_api(conn, tenant_id))


async def put_api(pool: Any, who: Principal, tenant_id: str, body: LookupApiIn) -> dict[str, Any]:
    """Set the host lookups may call and the secret they are signed with."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        secret = body.secret
        if secret is None:
            old = await repo.get_api(conn, tenant_id)
            if old is None:
                raise InvalidInput("a signing secret is required", field="secret")
            secret = old["secret"]
        return api_view(await repo.put_api(conn, tenant_id, body.host, secret))


async def selfservice_report(
    pool: Any, who: Principal, tenant_id: str, q: ReportQuery
) -> list[dict[str, Any]]:
    """Per lookup node: lookups by outcome, failure rate, latency, and containment (calls
    that ended in self-service versus those that went on to an agent)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.lookups(conn, tenant_id, q.start, q.end)
        contained = await repo.containment(conn, tenant_id, q.start, q.end)
    stats = {(n["ivr"], n["menu"]): n for n in core.lookup_stats(rows)["nodes"]}
    calls = {(r["ivr"], r["menu"]): (r["calls"], r["transferred"]) for r in contained}
    out = []
    for key in sorted(set(stats) | set(calls)):
        node = stats.get(key) or {"ivr": key[0], "menu": key[1], "lookups": 0}
        total, transferred = calls.get(key, (0, 0))
        out.append(
            {
                **node,
                **core.containment(total, transferred),
            }
        )
    return out
