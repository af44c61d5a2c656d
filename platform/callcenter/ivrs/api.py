"""``/api/v1/tenants/{tenant_id}/ivrs``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.ivrs import service
from callcenter.web.io import principal_of, read_object

routes = web.RouteTableDef()
_BASE = "/api/v1/tenants/{tenant_id}/ivrs"


@routes.put(_BASE + "/{name}")
async def put_ivr(request: web.Request) -> web.Response:
    """Create or replace an IVR (tenant admins)."""
    who = principal_of(request)
    body = await read_object(request)
    return web.json_response(
        await service.put_ivr(
            request.app[keys.POOL],
            who,
            request.match_info["tenant_id"],
            request.match_info["name"],
            body,
        )
    )


@routes.get(_BASE)
async def list_ivrs(request: web.Request) -> web.Response:
    """The tenant's ivrs."""
    return web.json_response(
        await service.list_ivrs(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.get(_BASE + "/{name}")
async def get_ivr(request: web.Request) -> web.Response:
    """One ivr."""
    return web.json_response(
        await service.get_ivr(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["name"],
        )
    )


@routes.delete(_BASE + "/{name}")
async def delete_ivr(request: web.Request) -> web.Response:
    """Remove an IVR no number uses."""
    await service.delete_ivr(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["name"],
    )
    return web.Response(status=204)
