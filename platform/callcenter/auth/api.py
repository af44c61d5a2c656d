"""``POST /api/v1/auth/token``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.auth import service
from callcenter.auth.schemas import TokenRequest
from callcenter.web.io import parse_body

routes = web.RouteTableDef()


@routes.post("/api/v1/auth/token")
async def issue_token(request: web.Request) -> web.Response:
    """Exchange a username and password for a bearer token."""
    body = await parse_body(request, TokenRequest)
    token = await service.sign_in(
        request.app[keys.POOL], request.app[keys.TOKENS], body.username, body.password
    )
    settings = request.app[keys.SETTINGS]
    return web.json_response(
        {"token": token, "token_type": "Bearer", "expires_in": settings.token_ttl_s}
    )
