"""``POST /api/v1/tenants/{tenant_id}/supervision``: ring the supervisor's phone and, when
it answers, listen to (whisper to, barge into) an agent's call of the same tenant."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.supervision import service
from callcenter.supervision.schemas import SuperviseIn
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.post("/api/v1/tenants/{tenant_id}/supervision")
async def supervise(request: web.Request) -> web.Response:
    """Tenant admins and supervisors; both seats must be the tenant's, the first a
    supervisor seat. Asterisk restricts the spy to ``PJSIP/<tenant>-<agent>-`` too."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")  # before reading the body
    body = await parse_body(request, SuperviseIn)
    return web.json_response(
        await service.supervise(
            request.app[keys.POOL], request.app.get(keys.AMI), who, tenant_id, body
        ),
        status=201,
    )
