"""``/api/v1/tenants``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.tenants import service
from callcenter.tenants.schemas import LanguageIn, LimitsIn, StatusIn, TenantIn
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.post("/api/v1/tenants")
async def create_tenant(request: web.Request) -> web.Response:
    """Open a tenant with its first admin (operators)."""
    who = principal_of(request)
    body = await parse_body(request, TenantIn)
    tenant = await service.open_tenant(request.app[keys.POOL], request.app[keys.HASHER], who, body)
    return web.json_response(tenant, status=201)


@routes.get("/api/v1/tenants")
async def list_tenants(request: web.Request) -> web.Response:
    """All tenants (operators)."""
    return web.json_response(
        await service.list_tenants(request.app[keys.POOL], principal_of(request))
    )


@routes.get("/api/v1/tenants/{tenant_id}")
async def get_tenant(request: web.Request) -> web.Response:
    """One tenant."""
    return web.json_response(
        await service.get_tenant(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.put("/api/v1/tenants/{tenant_id}/limits")
async def set_limits(request: web.Request) -> web.Response:
    """Concurrency caps and outbound patterns (operators)."""
    who = principal_of(request)
    body = await parse_body(request, LimitsIn)
    return web.json_response(
        await service.set_limits(request.app[keys.POOL], who, request.match_info["tenant_id"], body)
    )


@routes.put("/api/v1/tenants/{tenant_id}/status")
async def set_status(request: web.Request) -> web.Response:
    """Suspend or reactivate a tenant (operators)."""
    who = principal_of(request)
    body = await parse_body(request, StatusIn)
    return web.json_response(
        await service.set_status(request.app[keys.POOL], who, request.match_info["tenant_id"], body)
    )


@routes.put("/api/v1/tenants/{tenant_id}/language")
async def set_language(request: web.Request) -> web.Response:
    """What the tenant's callers hear, ``zh`` or ``en`` (tenant admins)."""
    who = principal_of(request)
    body = await parse_body(request, LanguageIn)
    return web.json_response(
        await service.set_language(
            request.app[keys.POOL], who, request.match_info["tenant_id"], body
        )
    )


@routes.post("/api/v1/tenants/{tenant_id}/close")
async def close_tenant(request: web.Request) -> web.Response:
    """Close a tenant for good: numbers released, sign-ins and calls refused, billing kept
    (operators)."""
    return web.json_response(
        await service.close_tenant(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )
