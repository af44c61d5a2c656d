"""``/api/v1/tenants/{tenant_id}/recording`` (policy) and ``/recordings`` (list, audio)."""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from callcenter import keys
from callcenter.asterisk.naming import endpoint_id
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, Forbidden, NotFound, Unavailable
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


class PolicyIn(BaseModel):
    """Which calls are recorded, and how long recordings are kept."""

    model_config = ConfigDict(extra="forbid")
    policy: Literal["none", "all", "on_demand"]
    retention_days: int = Field(default=90, ge=1, le=3650)


@routes.put("/api/v1/tenants/{tenant_id}/recording")
async def set_policy(request: web.Request) -> web.Response:
    """Set the tenant's recording policy (tenant admins); the next call follows it."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    body = await parse_body(request, PolicyIn)
    async with transaction(request.app[keys.POOL]) as conn:
        await conn.execute(
            "UPDATE tenants SET recording_policy = $2, recording_retention_days = $3 WHERE id = $1",
            tenant_id,
            body.policy,
            body.retention_days,
        )
    return web.json_response(body.model_dump())


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "uniqueid": row["uniqueid"],
        "linkedid": row["linkedid"],
        "seconds": float(row["seconds"]),
        "created_at": row["created_at"].isoformat(),
    }


@routes.get("/api/v1/tenants/{tenant_id}/recordings")
async def list_recordings(request: web.Request) -> web.Response:
    """The tenant's recordings, newest first (optionally of one call: ``?linkedid=``)."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    linkedid = request.query.get("linkedid")
    async with connection(request.app[keys.POOL]) as conn:
        rows = await conn.fetch(
            "SELECT id, uniqueid, linkedid, seconds, created_at FROM recordings"
            " WHERE tenant_id = $1 AND ($2::text IS NULL OR linkedid = $2)"
            " ORDER BY created_at DESC LIMIT 500",
            tenant_id,
            linkedid,
        )
    return web.json_response([_view(r) for r in rows])


@routes.get("/api/v1/tenants/{tenant_id}/recordings/{id:[0-9]{1,18}}/audio")
async def audio(request: web.Request) -> web.Response:
    """A recording as WAV, for playback in the browser (fetch with the bearer token)."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    async with connection(request.app[keys.POOL]) as conn:
        data = await conn.fetchval(
            "SELECT audio FROM recordings WHERE tenant_id = $1 AND id = $2",
            tenant_id,
            int(request.match_info["id"]),
        )
    if data is None:
        raise NotFound("no such recording", field="id")
    return web.Response(body=bytes(data), content_type="audio/wav")


async def purge_expired(pool: Any) -> int:
    """Delete recordings older than their tenant's retention period."""
    async with connection(pool) as conn:
        result: str = await conn.execute(
            "DELETE FROM recordings r USING tenants t WHERE r.tenant_id = t.id"
            " AND r.created_at < now() - make_interval(days => t.recording_retention_days)"
        )
    return int(result.split()[-1])


class StartIn(BaseModel):
    """Whose call to record now."""

    model_config = ConfigDict(extra="forbid")
    extension: str = Field(pattern=r"^[1-9][0-9]{2,5}$")


@routes.post("/api/v1/tenants/{tenant_id}/recordings")
async def start_recording(request: web.Request) -> web.Response:
    """Record the call a seat is on, from now to its end (policy ``on_demand`` or ``all``).

    Tenant admins and supervisors for any seat; an agent for their own seat only.
    """
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin", "supervisor", "agent")
    body = await parse_body(request, StartIn)
    pool = request.app[keys.POOL]
    async with connection(pool) as conn:
        policy = await conn.fetchval(
            "SELECT recording_policy FROM tenants WHERE id = $1", tenant_id
        )
        if who.role == "agent":
            own = await conn.fetchval(
                "SELECT extension FROM agents WHERE tenant_id = $1 AND user_id = $2",
                tenant_id,
                who.user_id,
            )
            if own != body.extension:
                raise Forbidden("agents record their own calls only", field="extension")
    if policy == "none":
        raise Conflict("this tenant does not record calls", field="policy")
    ami = request.app.get(keys.AMI)
    if ami is None or not ami.connected:
        raise Unavailable("Asterisk is not connected")
    prefix = f"PJSIP/{endpoint_id(tenant_id, body.extension)}-"
    channel = next(
        (
            c
            for c in await ami.action_list("CoreShowChannels")
            # An answered channel of the seat ("Up"); MixMonitor's b option records from
            # the moment it is bridged.
            if c.get("Channel", "").startswith(prefix) and c.get("ChannelState") == "6"
        ),
        None,
    )
    if channel is None:
        raise NotFound("that seat is not on a call", field="extension")
    # A fixed dialplan job records it (extensions.conf, cc-control: the AMI user holds no
    # `system` class, which MixMonitor over AMI needs). The file lands in done/ on the
    # Asterisk host when the call ends, where the media agent collects it like any other.
    name = f"{tenant_id}.{channel['Uniqueid']}.{channel.get('Linkedid', channel['Uniqueid'])}.wav"
    await ami.originate(
        Channel="Local/record@cc-control/n",
        Application="Wait",
        Data="86400",  # the spy ends with the call, and this leg with it
        Variable=[
            f"CC_REC_CHANNEL={channel['Channel']}",
            f"CC_REC_FILE={name}",
            "CDR_PROP(disable)=1",
        ],
        Timeout=5000,
        timeout=10,
    )
    return web.json_response({"recording": name, "channel": channel["Channel"]}, status=201)
