"""``POST /api/v1/tenants/{tenant_id}/supervision``: ring the supervisor's phone and, when
it answers, listen to (whisper to, barge into) an agent's call of the same tenant."""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from callcenter import keys
from callcenter.asterisk.naming import endpoint_id
from callcenter.db.pool import connection
from callcenter.errors import Forbidden, NotFound, Unavailable
from callcenter.seats.schemas import EXTENSION
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()
MODES = {"listen": "l", "whisper": "w", "barge": "b"}


class SuperviseIn(BaseModel):
    """Who supervises whom, and how."""

    model_config = ConfigDict(extra="forbid")
    supervisor: str = Field(pattern=EXTENSION, description="the supervisor's seat")
    agent: str = Field(pattern=EXTENSION, description="the agent's seat")
    mode: Literal["listen", "whisper", "barge"] = "listen"


@routes.post("/api/v1/tenants/{tenant_id}/supervision")
async def supervise(request: web.Request) -> web.Response:
    """Tenant admins and supervisors; both seats must be the tenant's, the first a
    supervisor seat. Asterisk restricts the spy to ``PJSIP/<tenant>-<agent>-`` too."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    body = await parse_body(request, SuperviseIn)
    async with connection(request.app[keys.POOL]) as conn:
        rows = {
            r["extension"]: r["supervisor"]
            for r in await conn.fetch(
                "SELECT extension, supervisor FROM seats WHERE tenant_id = $1"
                " AND extension = ANY($2::text[])",
                tenant_id,
                [body.supervisor, body.agent],
            )
        }
    if body.supervisor not in rows:
        raise NotFound("no such seat", field="supervisor")
    if not rows[body.supervisor]:
        raise Forbidden("this seat may not supervise", field="supervisor")
    if body.agent not in rows:
        raise NotFound("no such seat", field="agent")
    ami = request.app.get(keys.AMI)
    if ami is None:
        raise Unavailable("Asterisk is not connected")
    await ami.originate(
        Channel=f"PJSIP/{endpoint_id(tenant_id, body.supervisor)}",
        Context="cc-spy",
        Exten=f"{MODES[body.mode]}{body.agent}",
        Priority=1,
        Variable=f"TENANT={tenant_id}",
        CallerID=f'"{body.mode}" <{body.agent}>',
        Timeout=30000,
        timeout=40,
    )
    return web.json_response({"status": "connected", **body.model_dump()}, status=201)
