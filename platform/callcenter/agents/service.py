"""Agent users and what an agent does from the console.

Preconditions (role, tenant, seat, call in progress) are checked before any side effect;
side effects go to PostgreSQL first (presence survives restarts), then to Asterisk over AMI,
then to the live workspace.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from callcenter.agents import repo
from callcenter.agents.errors import (
    NoAgentProfile,
    NoCall,
    NoSuchAgent,
    NoSuchCall,
    NoSuchSeat,
    NoSuchTarget,
    NotAnAgent,
    NotYourQueue,
    SeatHasAgent,
    UsernameTaken,
)
from callcenter.agents.schemas import (
    AgentEdit,
    AgentIn,
    DeviceIn,
    DialIn,
    NoteIn,
    PauseIn,
    TransferIn,
)
from callcenter.ami.client import AmiClient
from callcenter.ami.cluster import AmiCluster
from callcenter.asterisk import cache, realtime
from callcenter.asterisk.live import AsteriskSync
from callcenter.asterisk.naming import endpoint_id
from callcenter.auth import repo as users
from callcenter.auth.passwords import Hasher
from callcenter.auth.principal import Principal
from callcenter.cdr import repo as cdr_repo
from callcenter.cdr.service import leg_view
from callcenter.contacts import repo as contacts_repo
from callcenter.contacts.service import contact_view
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, DomainError, InvalidInput, Unavailable
from callcenter.reports import repo as reports_repo
from callcenter.seats import service as seats
from callcenter.settings import Settings
from callcenter.workspace.core import (
    AgentRef,
    AgentSaved,
    OutboundFailed,
    OutboundStarted,
    PresenceChanged,
    QueueLoginChanged,
    WrapupEnded,
)
from callcenter.workspace.runtime import LiveWorkspace, ref_of_row
from callcenter.workspace.state import AgentState, LoggedIn, LoggedOut, Paused, Unpaused, view

log = logging.getLogger(__name__)

XFER_CONTEXT = "cc-agents-xfer"
ATXFER_CONTEXT = "cc-agents-atxfer"
OUTBOUND_CONTEXT = "cc-outbound"


@dataclass(frozen=True, slots=True)
class AgentDeps:
    """What the agents service needs: the database, the live workspace, Asterisk."""

    pool: Any
    workspace: LiveWorkspace
    settings: Settings
    sync: AsteriskSync | None = None
    ami: AmiCluster | None = None

    def require_ami(self) -> AmiCluster:
        """The AMI client, or Unavailable when Asterisk is not connected."""
        if self.ami is None or not self.ami.connected:
            raise Unavailable("Asterisk is not connected")
        return self.ami


# ------------------------------------------------------------------ tenant admin
async def create_agent(
    deps: AgentDeps, hasher: Hasher, who: Principal, tenant_id: str, data: AgentIn
) -> dict[str, Any]:
    """Create an agent user bound to an existing seat of the tenant."""
    who.require_tenant(tenant_id, "tenant_admin")
    password_hash = await hasher.hash(data.password)  # scrypt off the event loop
    try:
        async with transaction(deps.pool) as conn:
            if not await repo.seat_exists(conn, tenant_id, data.extension):
                raise NoSuchSeat("no such seat", field="extension")
            if await repo.agent_by_extension(conn, tenant_id, data.extension) is not None:
                raise SeatHasAgent("seat already has an agent", field="extension")
            user_id = await users.insert_user(
                conn, tenant_id, data.username, password_hash, "agent"
            )
            await repo.insert_agent(
                conn, user_id, tenant_id, data.extension, data.name, data.device
            )
            await realtime.set_seat_webrtc(
                conn, tenant_id, data.extension, data.device == "browser"
            )
            row = await repo.get_agent(conn, tenant_id, user_id)
    except SeatHasAgent:
        raise
    except Conflict as exc:  # the users table's unique username
        raise UsernameTaken("username already taken", field="username") from exc
    ref = ref_of_row(row)
    deps.workspace.feed(AgentSaved(ref))
    await _publish_presence(deps, ref, logged_in=False)
    await seats.publish_seat(deps.sync, ref.endpoint, cache.ENDPOINT)  # webrtc switch
    return _agent_view(row, deps.workspace.state_of(ref.endpoint))


async def update_agent(
    deps: AgentDeps, who: Principal, tenant_id: str, username: str, data: AgentEdit
) -> dict[str, Any]:
    """Change an agent user's name, seat, or device (a mobile needs its number: the seat's
    calls are forwarded there). Moving to another seat waits until the agent signs out of
    the workspace, so no call or state is left on the old seat."""
    who.require_tenant(tenant_id, "tenant_admin")
    if data.device == "mobile" and not data.mobile_number:
        raise InvalidInput("a mobile number is needed", field="mobile_number")
    forward_to = data.mobile_number if data.device == "mobile" else None
    async with transaction(deps.pool) as conn:
        row = await repo.agent_by_username(conn, tenant_id, username)
        if row is None:
            raise NoSuchAgent("no such agent", field="username")
        old_extension = row["extension"]
        moved = data.extension != old_extension
        if moved:
            if row["logged_in"]:
                raise Conflict("the agent is signed in: sign out first", field="extension")
            if not await repo.seat_exists(conn, tenant_id, data.extension):
                raise NoSuchSeat("no such seat", field="extension")
            if await repo.agent_by_extension(conn, tenant_id, data.extension) is not None:
                raise SeatHasAgent("seat already has an agent", field="extension")
        await repo.update_agent(
            conn,
            tenant_id,
            row["user_id"],
            name=data.name,
            extension=data.extension,
            device=data.device,
            mobile_number=data.mobile_number if data.device == "mobile" else None,
        )
        if moved:
            # The seat left behind is a plain seat again: a SIP phone, not forwarded.
            await realtime.set_seat_webrtc(conn, tenant_id, old_extension, False)
            await seats.write_seat(
                conn, tenant_id, old_extension, name=None, forward_to=None, supervisor=None
            )
        await realtime.set_seat_webrtc(conn, tenant_id, data.extension, data.device == "browser")
        await seats.write_seat(
            conn,
            tenant_id,
            data.extension,
            name=None,
            forward_to=forward_to,
            supervisor=None,
            field="mobile_number",
        )
        row = await repo.get_agent(conn, tenant_id, row["user_id"])
    ref = ref_of_row(row)
    deps.workspace.feed(AgentSaved(ref))
    await seats.publish_seat(deps.sync, ref.endpoint, cache.ENDPOINT)
    if moved:
        await seats.publish_seat(deps.sync, endpoint_id(tenant_id, old_extension), cache.ENDPOINT)
    return _agent_view(row, deps.workspace.state_of(ref.endpoint))


async def list_agents(deps: AgentDeps, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's agents with their live state."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(deps.pool) as conn:
        rows = await repo.list_agents(conn, tenant_id)
    return [_agent_view(r, deps.workspace.state_of(r["endpoint_id"])) for r in rows]


def _agent_view(row: Any, state: AgentState) -> dict[str, Any]:
    return {
        "user_id": row["user_id"],
        "username": row["username"],
        "extension": row["extension"],
        "name": row["display_name"],
        "device": row["device"],
        "mobile_number": row["mobile_number"],
        "state": view(state, time.time()),
    }


# ------------------------------------------------------------------ the agent itself
async def _me(deps: AgentDeps, who: Principal) -> tuple[AgentRef, Any]:
    if who.role != "agent" or who.tenant_id is None:
        raise NotAnAgent("agents only", role=who.role)
    async with connection(deps.pool) as conn:
        row = await repo.get_agent(conn, who.tenant_id, who.user_id)
    if row is None:
        raise NoAgentProfile("no agent profile for this user")
    ref = deps.workspace.agent(row["endpoint_id"])
    if ref is None:
        ref = ref_of_row(row)
        deps.workspace.feed(AgentSaved(ref))
    return ref, row


async def agent_ref(deps: AgentDeps, who: Principal) -> AgentRef:
    """The signed-in agent's seat (NotAnAgent for anyone else)."""
    ref, _ = await _me(deps, who)
    return ref


async def profile(deps: AgentDeps, who: Principal) -> dict[str, Any]:
    """Everything the console needs at sign-in: seat, SIP credentials, queues, state, figures."""
    ref, row = await _me(deps, who)
    async with connection(deps.pool) as conn:
        password = await realtime.seat_password(conn, ref.tenant_id, ref.extension)
        queues = await repo.agent_queues(conn, ref.tenant_id, ref.extension)
    figures = await deps.workspace.figures(ref)
    settings = deps.settings
    return {
        **_agent_view(row, deps.workspace.state_of(ref.endpoint)),
        "tenant": ref.tenant_id,
        "sip": {
            "username": ref.endpoint,
            "password": password,
            "domain": settings.sip_host,
            "registrar": f"{settings.sip_host}:{settings.sip_port}",
            "ws_url": settings.sip_ws_url,
            "uri": f"sip:{ref.endpoint}@{settings.sip_host}",
        },
        "queues": [
            {
                "name": q["name"],
                "extension": q["extension"],
                "logged_in": q["logged_in"],
                "wrapup_time": q["wrapup_time"],
            }
            for q in queues
        ],
        "figures": figures,
    }


async def set_device(deps: AgentDeps, who: Principal, data: DeviceIn) -> dict[str, Any]:
    """Choose the browser softphone, an external SIP app, or a mobile number (the seat's
    calls are then forwarded there by the routing dialplan; the console still pops)."""
    ref, _ = await _me(deps, who)
    if data.device == "mobile" and not data.mobile_number:
        raise InvalidInput("a mobile number is needed", field="mobile_number")
    forward_to = data.mobile_number if data.device == "mobile" else None
    async with transaction(deps.pool) as conn:
        await repo.set_device(conn, ref.tenant_id, ref.user_id, data.device, data.mobile_number)
        await realtime.set_seat_webrtc(conn, ref.tenant_id, ref.extension, data.device == "browser")
        await seats.write_seat(
            conn,
            ref.tenant_id,
            ref.extension,
            name=None,
            forward_to=forward_to,
            supervisor=None,
            field="mobile_number",
        )
    await seats.publish_seat(deps.sync, ref.endpoint, cache.ENDPOINT)  # webrtc, transport
    changed = AgentRef(
        ref.user_id, ref.tenant_id, ref.extension, ref.endpoint, ref.name, data.device
    )
    deps.workspace.feed(AgentSaved(changed))
    return {"device": data.device, "mobile_number": data.mobile_number}


async def _publish_presence(deps: AgentDeps, ref: AgentRef, *, logged_in: bool) -> None:
    if deps.sync is None:
        return
    try:
        await deps.sync.agent_presence(ref.endpoint, logged_in)
    except DomainError as exc:
        log.warning("presence of %s not published now: %s", ref.endpoint, exc.message)


async def log_in(deps: AgentDeps, who: Principal, logged_in: bool) -> dict[str, Any]:
    """Log in to (or out of) the workspace: the seat is rung by its queues only while in."""
    ref, _ = await _me(deps, who)
    return await set_login(deps, ref, logged_in)


async def set_login(deps: AgentDeps, ref: AgentRef, logged_in: bool) -> dict[str, Any]:
    """Log an agent in or out (the agent itself, or a supervisor forcing it)."""
    async with transaction(deps.pool) as conn:
        await repo.set_presence(
            conn, ref.tenant_id, ref.user_id, logged_in=logged_in, paused=False, reason=""
        )
        await reports_repo.log_agent_event(
            conn, ref.endpoint, "AGENTLOGIN" if logged_in else "AGENTLOGOFF"
        )
        if not logged_in:
            await realtime.set_member_paused(conn, ref.tenant_id, ref.extension, False)
    await _publish_presence(deps, ref, logged_in=logged_in)
    if not logged_in:
        await _queue_pause(deps, ref, paused=False, reason="")
    deps.workspace.feed(PresenceChanged(ref.endpoint, LoggedIn() if logged_in else LoggedOut()))
    return deps.workspace.state_message(ref.endpoint)


async def pause(deps: AgentDeps, who: Principal, data: PauseIn | None) -> dict[str, Any]:
    """Pause with a reason (``data``), or unpause (``None``), in every queue of the seat."""
    ref, row = await _me(deps, who)
    return await set_pause(deps, ref, bool(row["logged_in"]), data)


async def set_pause(
    deps: AgentDeps, ref: AgentRef, logged_in: bool, data: PauseIn | None
) -> dict[str, Any]:
    """Pause or unpause an agent (the agent itself, or a supervisor forcing it)."""
    if not logged_in:
        raise Conflict("log in first", field="logged_in")
    paused = data is not None
    reason = data.reason if data is not None else ""
    async with transaction(deps.pool) as conn:
        await repo.set_presence(
            conn, ref.tenant_id, ref.user_id, logged_in=True, paused=paused, reason=reason
        )
        await reports_repo.log_agent_event(
            conn, ref.endpoint, "PAUSE" if paused else "UNPAUSE", reason
        )
        await realtime.set_member_paused(conn, ref.tenant_id, ref.extension, paused)
    await _queue_pause(deps, ref, paused=paused, reason=reason)
    deps.workspace.feed(PresenceChanged(ref.endpoint, Paused(reason) if paused else Unpaused()))
    return deps.workspace.state_message(ref.endpoint)


async def _queue_pause(deps: AgentDeps, ref: AgentRef, *, paused: bool, reason: str) -> None:
    # QueuePause without Queue pauses the interface in every queue app_queue holds. Every
    # node holds every queue (asterisk/queues.py): pause it on all of them, so a failover
    # finds it paused too; a node away now is corrected from the rows when it reconnects.
    if deps.ami is None or not deps.ami.connected:
        return
    async with connection(deps.pool) as conn:
        interfaces = await repo.queue_interfaces(conn, ref.endpoint)
    for interface in interfaces or [f"PJSIP/{ref.endpoint}"]:
        fields: dict[str, str] = {"Interface": interface, "Paused": "true" if paused else "false"}
        if reason:
            fields["Reason"] = reason
        try:
            await deps.ami.broadcast("QueuePause", 10.0, **fields)
        except DomainError as exc:
            log.info("QueuePause %s: %s", interface, exc.message)


async def queue_login(
    deps: AgentDeps, who: Principal, queue: str, logged_in: bool
) -> dict[str, Any]:
    """Log in to (or out of) one queue the seat is assigned to."""
    ref, row = await _me(deps, who)
    async with transaction(deps.pool) as conn:
        assigned = {
            q["name"]: q for q in await repo.agent_queues(conn, ref.tenant_id, ref.extension)
        }
        if queue not in assigned:
            raise NotYourQueue("not a queue of yours", field="queue")
        await repo.set_queue_login(conn, ref.tenant_id, ref.extension, queue, logged_in)
        if logged_in:
            await realtime.add_queue_member(
                conn,
                ref.tenant_id,
                queue,
                ref.extension,
                assigned[queue]["penalty"],
                bool(row["paused"]),
            )
        else:
            await realtime.remove_queue_member(conn, ref.tenant_id, queue, ref.extension)
    deps.workspace.feed(QueueLoginChanged(ref.endpoint, queue, logged_in))
    return {"queue": queue, "logged_in": logged_in}


async def end_wrapup(deps: AgentDeps, who: Principal) -> dict[str, Any]:
    """Finish wrap-up early on the console (app_queue's own timer still applies)."""
    ref, _ = await _me(deps, who)
    deps.workspace.feed(WrapupEnded(ref.endpoint))
    return deps.workspace.state_message(ref.endpoint)


# ------------------------------------------------------------------ calls
async def save_note(deps: AgentDeps, who: Principal, linkedid: str, data: NoteIn) -> dict[str, Any]:
    """Save the agent's note and disposition with the call (tenant + linkedid)."""
    ref, _ = await _me(deps, who)
    if not _valid_linkedid(linkedid):
        raise NoSuchCall("no such call", field="linkedid")
    pop = deps.workspace.pop_of(ref.endpoint)
    live = pop is not None and pop.get("linkedid") == linkedid
    context: dict[str, Any] = {}
    if live and pop is not None:
        keep = (
            "caller",
            "did",
            "queue",
            "ivr_keys",
            "selfservice",
            "waited_s",
            "contact",
            "direction",
        )
        context = {k: pop[k] for k in keep if k in pop}
    async with transaction(deps.pool) as conn:
        if not live and not await cdr_repo.took_part_in_call(
            conn, ref.tenant_id, linkedid, ref.endpoint
        ):
            raise NoSuchCall("no such call of yours", field="linkedid")
        row = await repo.upsert_note(
            conn, ref.tenant_id, linkedid, ref.extension, data.note, data.disposition, context
        )
    return _note_view(row)


def _valid_linkedid(linkedid: str) -> bool:
    return 1 <= len(linkedid) <= 64 and all(c.isalnum() or c in ".-_" for c in linkedid)


def _note_view(row: Any) -> dict[str, Any]:
    ctx = row["context"]
    return {
        "linkedid": row["linkedid"],
        "agent": row["agent_extension"],
        "note": row["note"],
        "disposition": row["disposition"],
        "context": json.loads(ctx) if isinstance(ctx, str) else ctx,
        "updated_at": row["updated_at"].isoformat(),
    }


async def call_record(
    deps: AgentDeps, who: Principal, tenant_id: str, linkedid: str
) -> dict[str, Any]:
    """One call of the tenant: its CDR legs and the agent's note."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor", "agent")
    if not _valid_linkedid(linkedid):
        raise NoSuchCall("no such call", field="linkedid")
    async with connection(deps.pool) as conn:
        legs = await cdr_repo.call_legs(conn, tenant_id, linkedid)
        note = await repo.get_note(conn, tenant_id, linkedid)
        recordings = await repo.call_recordings(conn, tenant_id, linkedid)
    if not legs and note is None:
        raise NoSuchCall("no such call", field="linkedid")
    return {
        "linkedid": linkedid,
        "legs": [leg_view(r) for r in legs],
        "note": _note_view(note) if note is not None else None,
        "recordings": [
            {
                "id": r["id"],
                "seconds": float(r["seconds"]),
                "audio": f"/api/v1/tenants/{tenant_id}/recordings/{r['id']}/audio",
            }
            for r in recordings
        ],
    }


async def dial(deps: AgentDeps, who: Principal, data: DialIn) -> dict[str, Any]:
    """Click-to-call: ring the agent's own device first; when answered, dial the customer
    through the tenant's outbound rules (``cc-outbound``: caps, caller ID, CDR direction)."""
    ref, _ = await _me(deps, who)
    ami = deps.require_ami()
    state = deps.workspace.state_of(ref.endpoint)
    if state.call is not None:
        raise Conflict("already on a call", field="number")
    async with connection(deps.pool) as conn:
        registered = await realtime.registered_endpoints(conn, [ref.endpoint])
        contact_row = await contacts_repo.find_by_phone(conn, ref.tenant_id, data.number)
    if ref.endpoint not in registered:
        # An Originate to a seat without a contact fails silently: refuse it up front.
        raise Conflict("your phone is not registered", field="device")
    contact = contact_view(contact_row) if contact_row is not None else None
    deps.workspace.feed(OutboundStarted(ref.endpoint, data.number, contact))
    deps.workspace.spawn(
        _originate(deps, ami.for_tenant(ref.tenant_id), ref, data.number),
        f"dial-{ref.endpoint}-{data.number}",
    )
    return {"number": data.number, "status": "ringing_agent"}


def _originate_fields(ref: AgentRef, number: str) -> dict[str, Any]:
    """The Originate of click-to-call: the agent's own seat first, then ``cc-outbound``."""
    return {
        "Channel": f"PJSIP/{ref.endpoint}",
        "Context": OUTBOUND_CONTEXT,
        "Exten": number,
        "Priority": 1,
        "CallerID": f'"{number}" <{number}>',
        # BRIDGE_FEATURES=T: the agent (the caller of this bridge) may transfer.
        "Variable": [f"__TENANT={ref.tenant_id}", "BRIDGE_FEATURES=T"],
        "Timeout": 30000,
    }


async def _originate(deps: AgentDeps, ami: AmiClient, ref: AgentRef, number: str) -> None:
    try:
        await ami.originate(**_originate_fields(ref, number), timeout=40)
    except DomainError as exc:
        reason = exc.details.get("reason", exc.message)  # Asterisk's reason, when it gave one
        deps.workspace.feed(OutboundFailed(ref.endpoint, number, str(reason)))


async def transfer(deps: AgentDeps, who: Principal, data: TransferIn) -> dict[str, Any]:
    """Blind or attended transfer of the agent's current call to an agent, a queue or an
    outside number, always inside the agent's tenant."""
    ref, _ = await _me(deps, who)
    ami = deps.require_ami()
    channel = deps.workspace.channel_of(ref.endpoint)
    if channel is None:
        raise NoCall("no call to transfer", field="call")
    kind, target = await _transfer_target(deps, ref, data)
    if data.mode == "blind":
        exten = f"{ref.tenant_id}*{kind}*{target}"
        await ami.for_channel(channel).action(
            "BlindTransfer", Channel=channel, Context=XFER_CONTEXT, Exten=exten
        )
    else:
        # Atxfer dials its target as DTMF digits through the bridge's transfer feature: digits
        # only; the tenant comes from the agent channel's own TENANT (set by our dialplan or
        # by our Originate, never by a caller). Extensions never start with 0.
        exten = target if kind == "in" else f"0{target}"
        await ami.for_channel(channel).action(
            "Atxfer", Channel=channel, Context=ATXFER_CONTEXT, Exten=exten
        )
    return {"mode": data.mode, "target_type": data.target_type, "target": data.target}


async def cancel_transfer(deps: AgentDeps, who: Principal) -> dict[str, Any]:
    """Abandon an attended transfer and go back to the caller."""
    ref, _ = await _me(deps, who)
    ami = deps.require_ami()
    channel = deps.workspace.channel_of(ref.endpoint)
    if channel is None:
        raise NoCall("no call", field="call")
    await ami.for_channel(channel).action("CancelAtxfer", Channel=channel)
    return {"cancelled": True}


async def _transfer_target(deps: AgentDeps, ref: AgentRef, data: TransferIn) -> tuple[str, str]:
    # The extension names the tenant itself: the control plane is the only way into
    # cc-agents-xfer, and the target is looked up there again under that tenant.
    found: str | None
    if data.target_type == "number":
        found = (
            data.target
            if data.target.isascii() and data.target.isdigit() and len(data.target) >= 3
            else None
        )
    else:
        async with connection(deps.pool) as conn:
            found = await repo.transfer_extension(
                conn, ref.tenant_id, data.target_type, data.target
            )
    if not found:
        raise NoSuchTarget(f"no such {data.target_type}", field="target")
    return ("out" if data.target_type == "number" else "in"), str(found)
