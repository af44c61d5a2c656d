"""``/api/v1/platform/trunks``: carrier trunks (operators)."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.trunks import service
from callcenter.trunks.schemas import TrunkIn, TrunkPatch
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.post("/api/v1/platform/trunks")
async def add_trunk(request: web.Request) -> web.Response:
    """Add a carrier trunk (operators)."""
    who = principal_of(request)
    body = await parse_body(request, TrunkIn)
    return web.json_response(await service.add_trunk(request.app[keys.POOL], who, body), status=201)


@routes.get("/api/v1/platform/trunks")
async def list_trunks(request: web.Request) -> web.Response:
    """Every trunk, in the order outbound calls try them (operators)."""
    return web.json_response(
        await service.list_trunks(request.app[keys.POOL], principal_of(request))
    )


@routes.get("/api/v1/platform/trunks/{name}")
async def get_trunk(request: web.Request) -> web.Response:
    """One trunk (operators)."""
    return web.json_response(
        await service.get_trunk(
            request.app[keys.POOL], principal_of(request), request.match_info["name"]
        )
    )


@routes.patch("/api/v1/platform/trunks/{name}")
async def change_trunk(request: web.Request) -> web.Response:
    """Change some of a trunk's fields (operators)."""
    who = principal_of(request)
    body = await parse_body(request, TrunkPatch)
    return web.json_response(
        await service.change_trunk(request.app[keys.POOL], who, request.match_info["name"], body)
    )


@routes.delete("/api/v1/platform/trunks/{name}")
async def remove_trunk(request: web.Request) -> web.Response:
    """Remove a trunk; calls up on it finish (operators)."""
    await service.remove_trunk(
        request.app[keys.POOL], principal_of(request), request.match_info["name"]
    )
    return web.Response(status=204)
