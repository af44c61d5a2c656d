"""``/api/v1/tenants/{tenant_id}/cdrs``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.cdr import service
from callcenter.errors import InvalidInput
from callcenter.web.io import principal_of

routes = web.RouteTableDef()


@routes.get("/api/v1/tenants/{tenant_id}/cdrs")
async def list_cdrs(request: web.Request) -> web.Response:
    """The tenant's latest call legs (``?limit=`` up to 1000)."""
    raw = request.query.get("limit", "100")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 1000:
        raise InvalidInput("limit must be 1..1000", field="limit")
    return web.json_response(
        await service.list_cdrs(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"], int(raw)
        )
    )
