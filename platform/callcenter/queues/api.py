"""``/api/v1/tenants/{tenant_id}/queues``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.queues import service
from callcenter.queues.schemas import MembersIn, QueueIn, QueueOptions
from callcenter.web.io import parse_body, principal_of, queues_applied

routes = web.RouteTableDef()


@routes.post("/api/v1/tenants/{tenant_id}/queues")
async def create_queue(request: web.Request) -> web.Response:
    """Create a queue."""
    who = principal_of(request)
    body = await parse_body(request, QueueIn)
    queue = await service.create_queue(
        request.app[keys.POOL], who, request.match_info["tenant_id"], body
    )
    await queues_applied(request)
    return web.json_response(queue, status=201)


@routes.get("/api/v1/tenants/{tenant_id}/queues")
async def list_queues(request: web.Request) -> web.Response:
    """The tenant's queues and members."""
    return web.json_response(
        await service.list_queues(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.put("/api/v1/tenants/{tenant_id}/queues/{name}/members")
async def set_members(request: web.Request) -> web.Response:
    """Replace the queue's members."""
    who = principal_of(request)
    body = await parse_body(request, MembersIn)
    await service.set_members(
        request.app[keys.POOL],
        who,
        request.match_info["tenant_id"],
        request.match_info["name"],
        body,
    )
    await queues_applied(request)
    return web.Response(status=204)


@routes.put("/api/v1/tenants/{tenant_id}/queues/{name}")
async def update_queue(request: web.Request) -> web.Response:
    """Replace the queue's options: strategy, timers, announcements, overflow, callback."""
    who = principal_of(request)
    body = await parse_body(request, QueueOptions)
    queue = await service.update_queue(
        request.app[keys.POOL],
        who,
        request.match_info["tenant_id"],
        request.match_info["name"],
        body,
    )
    await queues_applied(request)
    return web.json_response(queue)


@routes.delete("/api/v1/tenants/{tenant_id}/queues/{name}")
async def delete_queue(request: web.Request) -> web.Response:
    """Remove a queue nothing routes calls to (409 ``conflict`` naming what still does)."""
    await service.delete_queue(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["name"],
    )
    await queues_applied(request)
    return web.Response(status=204)
