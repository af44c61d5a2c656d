"""``GET /api/v1/platform/calls``: calls up now, per tenant (operators)."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.operations import service
from callcenter.web.io import principal_of

routes = web.RouteTableDef()


@routes.get("/api/v1/platform/calls")
async def calls_now(request: web.Request) -> web.Response:
    """Calls and channels on the platform Asterisk right now (503 while AMI is down)."""
    return web.json_response(
        await service.calls_now(request.app.get(keys.AMI), principal_of(request))
    )
