"""``/api/v1/tenants/{tenant_id}/schedules``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.schedules import service
from callcenter.web.io import principal_of, read_object

routes = web.RouteTableDef()
_BASE = "/api/v1/tenants/{tenant_id}/schedules"


@routes.put(_BASE + "/{name}")
async def put_schedule(request: web.Request) -> web.Response:
    """Create or replace a schedule (tenant admins)."""
    who = principal_of(request)
    body = await read_object(request)
    return web.json_response(
        await service.put_schedule(
            request.app[keys.POOL],
            who,
            request.match_info["tenant_id"],
            request.match_info["name"],
            body,
        )
    )


@routes.get(_BASE)
async def list_schedules(request: web.Request) -> web.Response:
    """The tenant's schedules."""
    return web.json_response(
        await service.list_schedules(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.get(_BASE + "/{name}")
async def get_schedule(request: web.Request) -> web.Response:
    """One schedule."""
    return web.json_response(
        await service.get_schedule(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["name"],
        )
    )


@routes.delete(_BASE + "/{name}")
async def delete_schedule(request: web.Request) -> web.Response:
    """Remove a schedule no number uses."""
    await service.delete_schedule(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["name"],
    )
    return web.Response(status=204)
