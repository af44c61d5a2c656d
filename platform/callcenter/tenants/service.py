"""Opening and reading tenants."""

from __future__ import annotations

from typing import Any

from callcenter.auth import repo as users
from callcenter.auth.passwords import Hasher
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, on_conflict, transaction
from callcenter.errors import NotFound
from callcenter.nodes.service import place_tenant
from callcenter.routing.outbound import compile_patterns
from callcenter.tenants import repo
from callcenter.tenants.errors import TenantClosed, TenantExists, UsernameTaken
from callcenter.tenants.schemas import LanguageIn, LimitsIn, StatusIn, TenantIn


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "status": row["status"],
        "limits": {
            "max_calls": row["max_calls"],
            "max_outbound": row["max_outbound"],
            "outbound_patterns": list(row["outbound_patterns"]),
            "caller_number": row["caller_number"],
            "max_open_callbacks": row["max_open_callbacks"],
        },
        "recording": {
            "policy": row["recording_policy"],
            "retention_days": row["recording_retention_days"],
        },
        "language": row["language"],
        "created_at": row["created_at"].isoformat(),
        "closed_at": row["closed_at"].isoformat() if row["closed_at"] else None,
    }


async def open_tenant(pool: Any, hasher: Hasher, who: Principal, data: TenantIn) -> dict[str, Any]:
    """Create a tenant and its first admin in one transaction, homed on the least-loaded
    node (Asterisk needs nothing more: its seats carry the tenant in their endpoint rows)."""
    who.require_operator()
    password_hash = await hasher.hash(data.admin.password)  # scrypt off the event loop
    async with transaction(pool) as conn:
        async with on_conflict(TenantExists("already taken", field="id")):
            row = await repo.insert_tenant(conn, data.id, data.name)
        await place_tenant(conn, data.id)  # the least-loaded active node, if any
        async with on_conflict(UsernameTaken("already taken", field="admin.username")):
            await users.insert_user(
                conn,
                data.id,
                data.admin.username,
                password_hash,
                "tenant_admin",
            )
    return _view(row)


async def get_tenant(pool: Any, who: Principal, tenant_id: str) -> dict[str, Any]:
    """One tenant, for its own users and operators."""
    who.require_tenant(tenant_id)
    async with connection(pool) as conn:
        row = await repo.get_tenant(conn, tenant_id)
    if row is None:
        raise NotFound("no such tenant", tenant=tenant_id)
    return _view(row)


async def list_tenants(pool: Any, who: Principal) -> list[dict[str, Any]]:
    """All tenants, for operators."""
    who.require_operator()
    async with connection(pool) as conn:
        return [_view(r) for r in await repo.list_tenants(conn)]


async def set_limits(pool: Any, who: Principal, tenant_id: str, data: LimitsIn) -> dict[str, Any]:
    """Operator: concurrency caps and the outside numbers the tenant may reach (toll fraud)."""
    who.require_operator()
    regex = compile_patterns(data.outbound_patterns)
    async with transaction(pool) as conn:
        if data.caller_number is not None and not await conn.fetchval(
            "SELECT 1 FROM numbers WHERE tenant_id = $1 AND number = $2",
            tenant_id,
            data.caller_number,
        ):
            raise NotFound("the tenant has no such number", field="caller_number")
        row = await repo.set_limits(
            conn,
            tenant_id,
            max_calls=data.max_calls,
            max_outbound=data.max_outbound,
            patterns=data.outbound_patterns,
            regex=regex,
            caller_number=data.caller_number,
            max_open_callbacks=data.max_open_callbacks,
        )
    if row is None:
        raise NotFound("no such tenant", tenant=tenant_id)
    return _view(row)


async def set_status(pool: Any, who: Principal, tenant_id: str, data: StatusIn) -> dict[str, Any]:
    """Operator: suspend a tenant (numbers answer with an announcement, phones cannot call
    out) or reactivate it; calls already up are not cut."""
    who.require_operator()
    async with transaction(pool) as conn:
        current = await repo.get_tenant(conn, tenant_id)
        if current is None:
            raise NotFound("no such tenant", tenant=tenant_id)
        if current["status"] == "closed":
            raise TenantClosed("the tenant is closed", field="status", tenant=tenant_id)
        row = await repo.set_status(conn, tenant_id, data.status)
    return _view(row)


async def set_language(
    pool: Any, who: Principal, tenant_id: str, data: LanguageIn
) -> dict[str, Any]:
    """The tenant admin chooses what its callers hear (system prompts, numbers read out):
    the next call follows it, on every number and IVR without a language of its own."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        row = await repo.set_language(conn, tenant_id, data.language)
    if row is None:
        raise NotFound("no such tenant", tenant=tenant_id)
    return _view(row)


async def close_tenant(pool: Any, who: Principal, tenant_id: str) -> dict[str, Any]:
    """Operator: close a tenant for good. Its numbers go back to the inventory, its users can
    no longer sign in (their tokens stop working), calls to and from it are refused; its
    invoices, usage and call records stay, and the operator still reads them. Unlike a
    suspension, a closure is not lifted."""
    who.require_operator()
    async with transaction(pool) as conn:
        row = await repo.close(conn, tenant_id)
        if row is None:
            if await repo.get_tenant(conn, tenant_id) is None:
                raise NotFound("no such tenant", tenant=tenant_id)
            raise TenantClosed("the tenant is closed already", field="status", tenant=tenant_id)
    return _view(row)
