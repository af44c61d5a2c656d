"""Call recording: the tenant's policy, its recordings, and recording a seat's call on demand."""

from __future__ import annotations

from typing import Any

from callcenter.ami.cluster import NODE_HEADER, AmiCluster
from callcenter.asterisk.naming import endpoint_id
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, Forbidden, NotFound, Unavailable
from callcenter.recordings import repo
from callcenter.recordings.schemas import PolicyIn, StartIn


async def set_policy(pool: Any, who: Principal, tenant_id: str, data: PolicyIn) -> dict[str, Any]:
    """Set the tenant's recording policy (tenant admins); the next call follows it."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        await repo.set_policy(conn, tenant_id, data.policy, data.retention_days)
    return data.model_dump()


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "uniqueid": row["uniqueid"],
        "linkedid": row["linkedid"],
        "seconds": float(row["seconds"]),
        "created_at": row["created_at"].isoformat(),
    }


async def list_recordings(
    pool: Any, who: Principal, tenant_id: str, linkedid: str | None
) -> list[dict[str, Any]]:
    """The tenant's recordings, newest first (optionally of one call)."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    async with connection(pool) as conn:
        return [_view(r) for r in await repo.list_recordings(conn, tenant_id, linkedid)]


async def audio(pool: Any, who: Principal, tenant_id: str, recording_id: int) -> bytes:
    """A recording as WAV."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    async with connection(pool) as conn:
        data = await repo.audio(conn, tenant_id, recording_id)
    if data is None:
        raise NotFound("no such recording", field="id")
    return data


async def purge_expired(pool: Any) -> int:
    """Delete recordings older than their tenant's retention period."""
    async with connection(pool) as conn:
        return await repo.purge_expired(conn)


async def start(
    pool: Any, ami: AmiCluster | None, who: Principal, tenant_id: str, data: StartIn
) -> dict[str, Any]:
    """Record the call a seat is on, from now to its end (policy ``on_demand`` or ``all``).

    Tenant admins and supervisors for any seat; an agent for their own seat only.
    """
    who.require_tenant(tenant_id, "tenant_admin", "supervisor", "agent")
    async with connection(pool) as conn:
        policy = await repo.policy_of(conn, tenant_id)
        if who.role == "agent":
            own = await repo.agent_extension(conn, tenant_id, who.user_id)
            if own != data.extension:
                raise Forbidden("agents record their own calls only", field="extension")
    if policy == "none":
        raise Conflict("this tenant does not record calls", field="policy")
    if ami is None or not ami.connected:
        raise Unavailable("Asterisk is not connected")
    prefix = f"PJSIP/{endpoint_id(tenant_id, data.extension)}-"
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
    # The recording job runs on the node holding the channel (action_list tags each item).
    await ami.client(channel[NODE_HEADER]).originate(
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
    return {"recording": name, "channel": channel["Channel"]}
