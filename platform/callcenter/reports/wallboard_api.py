"""``GET /api/v1/tenants/{tenant_id}/wallboard``: the live queue figures, right now.

The same snapshot is pushed to the tenant's live-event subscribers whenever it changes.
"""

from __future__ import annotations

import time

from aiohttp import web

from callcenter import keys
from callcenter.errors import Unavailable
from callcenter.web.io import principal_of

routes = web.RouteTableDef()


@routes.get("/api/v1/tenants/{tenant_id}/wallboard")
async def wallboard(request: web.Request) -> web.Response:
    """Waiting callers, longest wait, today's answered/abandoned/SL per queue."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    live = request.app.get(keys.WALLBOARD)
    if live is None:
        raise Unavailable("the wallboard needs the Asterisk connection")
    now = time.time()
    return web.json_response({"queues": live.board.snapshot(tenant_id, now), "generated_at": now})
