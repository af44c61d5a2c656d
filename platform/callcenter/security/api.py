"""``/api/v1/security/sip-blocks``: operators see and lift SIP brute-force blocks."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.security import service
from callcenter.web.io import principal_of

routes = web.RouteTableDef()


@routes.get("/api/v1/security/sip-blocks")
async def list_blocks(request: web.Request) -> web.Response:
    """Addresses blocked now, with why and until when."""
    return web.json_response(
        await service.list_blocks(request.app[keys.POOL], principal_of(request))
    )


@routes.delete("/api/v1/security/sip-blocks/{address}")
async def unblock(request: web.Request) -> web.Response:
    """Lift a block before its time."""
    await service.unblock(
        request.app[keys.POOL], principal_of(request), request.match_info["address"]
    )
    return web.Response(status=204)
