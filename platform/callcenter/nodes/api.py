"""``/api/v1/platform/nodes`` and tenants' homes (operators)."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.nodes import service
from callcenter.nodes.schemas import MoveIn, NodeIn, NodePatch
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.post("/api/v1/platform/nodes")
async def add_node(request: web.Request) -> web.Response:
    """Register a platform Asterisk node; its AMI connection opens without a restart."""
    who = principal_of(request)
    body = await parse_body(request, NodeIn)
    node = await service.add_node(request.app[keys.POOL], who, body)
    return web.json_response(node, status=201)


@routes.get("/api/v1/platform/nodes")
async def list_nodes(request: web.Request) -> web.Response:
    """Every node: state, AMI connected, calls up now, tenants homed, capacity."""
    return web.json_response(
        await service.list_nodes(
            request.app[keys.POOL], principal_of(request), request.app.get(keys.AMI)
        )
    )


@routes.patch("/api/v1/platform/nodes/{node}")
async def patch_node(request: web.Request) -> web.Response:
    """Capacity, or draining (no new tenants) and back to active."""
    who = principal_of(request)
    body = await parse_body(request, NodePatch)
    return web.json_response(
        await service.patch_node(
            request.app[keys.POOL],
            who,
            request.match_info["node"],
            body,
            request.app.get(keys.AMI),
        )
    )


@routes.post("/api/v1/platform/tenants/{tenant_id}/move")
async def move_tenant(request: web.Request) -> web.Response:
    """Home a tenant on another node: its new calls go there, calls up finish where they are."""
    who = principal_of(request)
    body = await parse_body(request, MoveIn)
    return web.json_response(
        await service.move_tenant(
            request.app[keys.POOL], who, request.match_info["tenant_id"], body
        )
    )
