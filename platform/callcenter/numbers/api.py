"""``/api/v1/tenants/{tenant_id}/numbers``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.numbers import service
from callcenter.numbers.schemas import AssignIn, RouteIn
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.post("/api/v1/tenants/{tenant_id}/numbers")
async def assign_number(request: web.Request) -> web.Response:
    """Assign a 400 or city number to the tenant (operators)."""
    who = principal_of(request)
    body = await parse_body(request, AssignIn)
    number = await service.assign_number(
        request.app[keys.POOL], who, request.match_info["tenant_id"], body
    )
    return web.json_response(number, status=201)


@routes.get("/api/v1/tenants/{tenant_id}/numbers")
async def list_numbers(request: web.Request) -> web.Response:
    """The tenant's numbers and their routes."""
    return web.json_response(
        await service.list_numbers(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.put("/api/v1/tenants/{tenant_id}/numbers/{number}/route")
async def route_number(request: web.Request) -> web.Response:
    """Route the number to a queue or a seat (tenant admins)."""
    who = principal_of(request)
    body = await parse_body(request, RouteIn)
    return web.json_response(
        await service.route_number(
            request.app[keys.POOL],
            who,
            request.match_info["tenant_id"],
            request.match_info["number"],
            body,
        )
    )


@routes.delete("/api/v1/tenants/{tenant_id}/numbers/{number}")
async def release_number(request: web.Request) -> web.Response:
    """Take a number back from the tenant (operators)."""
    await service.release_number(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["number"],
    )
    return web.Response(status=204)


@routes.get("/api/v1/numbers")
async def inventory(request: web.Request) -> web.Response:
    """The number inventory: assigned and free numbers (operators)."""
    return web.json_response(
        await service.list_inventory(request.app[keys.POOL], principal_of(request))
    )
