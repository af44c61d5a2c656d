"""Supervision: ring the supervisor's phone and, when it answers, listen to (whisper to,
barge into) an agent's call of the same tenant."""

from __future__ import annotations

from typing import Any

from callcenter.ami.cluster import AmiCluster
from callcenter.asterisk.naming import endpoint_id
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection
from callcenter.errors import Forbidden, Unavailable
from callcenter.quality.service import check_supervisor_scope, scope_of
from callcenter.seats.errors import NoSuchSeat
from callcenter.supervision import repo
from callcenter.supervision.schemas import SuperviseIn

MODES = {"listen": "l", "whisper": "w", "barge": "b"}


async def supervise(
    pool: Any, ami: AmiCluster | None, who: Principal, tenant_id: str, data: SuperviseIn
) -> dict[str, Any]:
    """Both seats must be the tenant's, the first a supervisor seat; Asterisk restricts the
    spy to ``PJSIP/<tenant>-<agent>-`` too."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    async with connection(pool) as conn:
        seats = await repo.supervisor_flags(conn, tenant_id, [data.supervisor, data.agent])
        seen = await scope_of(conn, who, tenant_id)
    if data.supervisor not in seats:
        raise NoSuchSeat("no such seat", field="supervisor")
    if not seats[data.supervisor]:
        raise Forbidden("this seat may not supervise", field="supervisor")
    if data.agent not in seats:
        raise NoSuchSeat("no such seat", field="agent")
    check_supervisor_scope(seen, data.agent)  # a supervisor restricted to some queues
    if ami is None:
        raise Unavailable("Asterisk is not connected")
    # ChanSpy runs where the agent's call is; the supervisor's phone is reachable from any
    # node (contacts are shared in PostgreSQL).
    node = ami.for_seat_call(tenant_id, endpoint_id(tenant_id, data.agent))
    await node.originate(
        Channel=f"PJSIP/{endpoint_id(tenant_id, data.supervisor)}",
        Context="cc-spy",
        Exten=f"{MODES[data.mode]}{data.agent}",
        Priority=1,
        Variable=f"TENANT={tenant_id}",
        CallerID=f'"{data.mode}" <{data.agent}>',
        Timeout=30000,
        timeout=40,
    )
    return {"status": "connected", **data.model_dump()}
