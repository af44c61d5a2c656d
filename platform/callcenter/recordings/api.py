"""``/api/v1/tenants/{tenant_id}/recording`` (policy) and ``/recordings`` (list, audio)."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.recordings import service
from callcenter.recordings.schemas import PolicyIn, StartIn
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.put("/api/v1/tenants/{tenant_id}/recording")
async def set_policy(request: web.Request) -> web.Response:
    """Set the tenant's recording policy (tenant admins); the next call follows it."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")  # before reading the body
    body = await parse_body(request, PolicyIn)
    return web.json_response(await service.set_policy(request.app[keys.POOL], who, tenant_id, body))


@routes.get("/api/v1/tenants/{tenant_id}/recordings")
async def list_recordings(request: web.Request) -> web.Response:
    """The tenant's recordings, newest first (optionally of one call: ``?linkedid=``)."""
    return web.json_response(
        await service.list_recordings(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.query.get("linkedid"),
        )
    )


@routes.get("/api/v1/tenants/{tenant_id}/recordings/{id:[0-9]{1,18}}/audio")
async def audio(request: web.Request) -> web.Response:
    """A recording as WAV, for playback in the browser (fetch with the bearer token)."""
    data = await service.audio(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        int(request.match_info["id"]),
    )
    return web.Response(body=data, content_type="audio/wav")


@routes.post("/api/v1/tenants/{tenant_id}/recordings")
async def start_recording(request: web.Request) -> web.Response:
    """Record the call a seat is on, from now to its end (policy ``on_demand`` or ``all``).

    Tenant admins and supervisors for any seat; an agent for their own seat only.
    """
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin", "supervisor", "agent")  # before the body
    body = await parse_body(request, StartIn)
    return web.json_response(
        await service.start(
            request.app[keys.POOL], request.app.get(keys.AMI), who, tenant_id, body
        ),
        status=201,
    )
