"""The realtime rows Asterisk reads from PostgreSQL, written in the caller's transaction.

Asterisk sees a committed change at its next lookup (seats, behind a cache the control plane
expires: asterisk/cache.py), or, for queues, once the control plane has reloaded the queue
the commit notified (asterisk/queues.py): no restart, no shared files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from callcenter.asterisk.naming import PHONE_CONTEXT, device, endpoint_id, phone_vars, queue_name


async def put_seat(
    conn: Any, tenant_id: str, extension: str, password: str, display_name: str
) -> str:
    """Endpoint, auth and AOR for a seat; returns the endpoint id."""
    ep = endpoint_id(tenant_id, extension)
    callerid = f'"{display_name}" <{extension}>' if display_name else f"<{extension}>"
    await conn.execute(
        "INSERT INTO ps_endpoints (id, tenant_id, tenantid, transport, aors, auth, context,"
        " disallow, allow, direct_media, dtmf_mode, force_rport, rewrite_contact, rtp_symmetric,"
        " callerid, accountcode, device_state_busy_at, allow_subscribe, language, set_var,"
        " named_call_group, named_pickup_group)"
        " VALUES ($1, $2, $2, 'transport-udp', $1, $1, $3, 'all', 'ulaw,alaw,opus', 'no',"
        " 'rfc4733', 'yes', 'no', 'yes', $4, $2, 1, 'no', 'en', $5,"
        " 'tenant-' || $2, 'tenant-' || $2)"
        " ON CONFLICT (id) DO UPDATE SET callerid = EXCLUDED.callerid",
        ep,
        tenant_id,
        PHONE_CONTEXT,
        callerid,
        phone_vars(tenant_id),
    )
    await conn.execute(
        "INSERT INTO ps_auths (id, tenant_id, auth_type, username, password)"
        " VALUES ($1, $2, 'userpass', $1, $3)"
        " ON CONFLICT (id) DO UPDATE SET password = EXCLUDED.password",
        ep,
        tenant_id,
        password,
    )
    await conn.execute(
        "INSERT INTO ps_aors (id, tenant_id, max_contacts, remove_existing, qualify_frequency,"
        " default_expiration, minimum_expiration, maximum_expiration, support_path)"
        " VALUES ($1, $2, 1, 'yes', 0, 300, 30, 3600, 'yes') ON CONFLICT (id) DO NOTHING",
        ep,
        tenant_id,
    )
    return ep


async def set_display_name(conn: Any, tenant_id: str, extension: str, name: str) -> None:
    """The caller ID a seat's calls show inside the tenant."""
    callerid = f'"{name}" <{extension}>' if name else f"<{extension}>"
    await conn.execute(
        "UPDATE ps_endpoints SET callerid = $2 WHERE id = $1",
        endpoint_id(tenant_id, extension),
        callerid,
    )


async def delete_seat(conn: Any, tenant_id: str, extension: str) -> str:
    """Remove a seat's endpoint, credentials, contacts and queue memberships."""
    ep = endpoint_id(tenant_id, extension)
    for table in ("ps_endpoints", "ps_auths", "ps_aors"):
        await conn.execute(
            f"DELETE FROM {table} WHERE id = $1 AND tenant_id = $2",  # noqa: S608
            ep,
            tenant_id,
        )
    await conn.execute("DELETE FROM ps_contacts WHERE endpoint = $1", ep)
    await conn.execute("DELETE FROM queue_members WHERE state_interface = $1", device(ep))
    return ep


async def put_queue(
    conn: Any,
    tenant_id: str,
    name: str,
    *,
    strategy: str,
    ring_timeout: int,
    wrapup_time: int,
    max_len: int,
    retry: int,
    music_class: str = "default",
    announce_position: bool = False,
    announce_holdtime: bool = False,
    announce_frequency: int = 0,
    service_level: int = 20,
    callback_key: str | None = None,
    leave_when_empty: bool = False,
) -> None:
    """The app_queue row of a tenant queue (queues.conf on every node, reloaded on commit)."""
    # With an "empty" overflow, callers neither join nor stay while no member can answer
    # (logged out or unregistered seats are UNAVAILABLE through their Custom state).
    empty = "unavailable,invalid,unknown" if leave_when_empty else None
    await conn.execute(
        "INSERT INTO queues (name, strategy, timeout, retry, wrapuptime, maxlen, ringinuse,"
        " joinempty, leavewhenempty, musiconhold, setinterfacevar, setqueuevar,"
        " setqueueentryvar, reportholdtime, servicelevel, announce_position,"
        " announce_holdtime, announce_frequency, min_announce_frequency, context, autofill,"
        " timeoutpriority)"
        " VALUES ($1, $2, $3, $4, $5, $6, 'no', coalesce($7, 'yes'), coalesce($7, 'no'), $8,"
        " 'yes', 'yes', 'yes', 'no', $9, $10, $11, $12, 15, $13, 'yes', 'app')"
        " ON CONFLICT (name) DO UPDATE SET strategy = EXCLUDED.strategy,"
        " timeout = EXCLUDED.timeout, retry = EXCLUDED.retry,"
        " wrapuptime = EXCLUDED.wrapuptime, maxlen = EXCLUDED.maxlen,"
        " joinempty = EXCLUDED.joinempty, leavewhenempty = EXCLUDED.leavewhenempty,"
        " musiconhold = EXCLUDED.musiconhold, servicelevel = EXCLUDED.servicelevel,"
        " announce_position = EXCLUDED.announce_position,"
        " announce_holdtime = EXCLUDED.announce_holdtime,"
        " announce_frequency = EXCLUDED.announce_frequency, context = EXCLUDED.context",
        queue_name(tenant_id, name),
        strategy,
        ring_timeout,
        retry,
        wrapup_time,
        max_len,
        empty,
        music_class,
        service_level,
        "yes" if announce_position else "no",
        "yes" if announce_holdtime else "no",
        announce_frequency,
        f"cc-cb-{callback_key}" if callback_key else None,
    )


async def set_queue_members(
    conn: Any, tenant_id: str, name: str, members: Sequence[tuple[str, int]]
) -> None:
    """Replace the members of a queue by ``(extension, penalty)`` pairs.

    A seat forwarded to a phone is rung through ``Local/<endpoint>@cc-forward/n``; every
    member's availability is its ``Custom:<endpoint>`` state, kept by the control plane.
    """
    qname = queue_name(tenant_id, name)
    await conn.execute("DELETE FROM queue_members WHERE queue_name = $1", qname)
    forwarded = {
        r["extension"]
        for r in await conn.fetch(
            "SELECT extension FROM seats WHERE tenant_id = $1 AND forward_to IS NOT NULL",
            tenant_id,
        )
    }
    # An agent who logged out of this queue stays out until they log back in.
    logged_out = {
        r["extension"]
        for r in await conn.fetch(
            "SELECT extension FROM agent_queue_logouts WHERE tenant_id = $1 AND queue_name = $2",
            tenant_id,
            name,
        )
    }
    for extension, penalty in members:
        if extension in logged_out:
            continue
        ep = endpoint_id(tenant_id, extension)
        await conn.execute(
            "INSERT INTO queue_members (queue_name, interface, membername, state_interface,"
            " penalty, paused) VALUES ($1, $2, $3, $4, $5, 0)",
            qname,
            member_interface(ep, forwarded=extension in forwarded),
            ep,
            device(ep),
            penalty,
        )


async def set_forwarding(conn: Any, tenant_id: str, extension: str, forwarded: bool) -> None:
    """Point the seat's queue memberships at its phone or at its forward number."""
    ep = endpoint_id(tenant_id, extension)
    await conn.execute(
        "UPDATE queue_members SET interface = $2 WHERE membername = $1",
        ep,
        member_interface(ep, forwarded=forwarded),
    )


def member_interface(endpoint: str, *, forwarded: bool) -> str:
    """What app_queue dials for a seat."""
    return f"Local/{endpoint}@cc-forward/n" if forwarded else f"PJSIP/{endpoint}"


async def registered_endpoints(conn: Any, endpoints: Sequence[str] | None = None) -> set[str]:
    """Endpoints with at least one unexpired contact."""
    rows = await conn.fetch(
        "SELECT DISTINCT endpoint FROM ps_contacts"
        " WHERE expiration_time > extract(epoch FROM now())"
        " AND ($1::text[] IS NULL OR endpoint = ANY($1::text[]))",
        endpoints,
    )
    return {r["endpoint"] for r in rows}


# ---------------------------------------------------------------- agent workspace (issue 4)
async def set_seat_webrtc(conn: Any, tenant_id: str, extension: str, enabled: bool) -> None:
    """Switch a seat between the browser softphone (WebRTC over the websocket transport:
    DTLS-SRTP, ICE, opus) and a plain SIP phone over UDP."""
    ep = endpoint_id(tenant_id, extension)
    if enabled:
        # No fixed transport: requests to the seat follow its contact (ws or udp).
        await conn.execute(
            "UPDATE ps_endpoints SET webrtc = 'yes', transport = NULL, allow = 'opus,ulaw'"
            " WHERE id = $1 AND tenant_id = $2",
            ep,
            tenant_id,
        )
    else:
        await conn.execute(
            "UPDATE ps_endpoints SET webrtc = NULL, transport = 'transport-udp',"
            " allow = 'ulaw,alaw,opus' WHERE id = $1 AND tenant_id = $2",
            ep,
            tenant_id,
        )


async def seat_password(conn: Any, tenant_id: str, extension: str) -> str | None:
    """The SIP password of a seat (shown to its own agent for an external SIP app)."""
    password: str | None = await conn.fetchval(
        "SELECT password FROM ps_auths WHERE id = $1 AND tenant_id = $2",
        endpoint_id(tenant_id, extension),
        tenant_id,
    )
    return password


async def remove_queue_member(conn: Any, tenant_id: str, name: str, extension: str) -> None:
    """Take a seat out of one queue's members (per-queue logout): the queue is reloaded on
    every node once this commits, so the seat is not rung from then on."""
    await conn.execute(
        "DELETE FROM queue_members WHERE queue_name = $1 AND membername = $2",
        queue_name(tenant_id, name),
        endpoint_id(tenant_id, extension),
    )


async def add_queue_member(
    conn: Any, tenant_id: str, name: str, extension: str, penalty: int, paused: bool
) -> None:
    """Put a seat back into one queue's members (per-queue login)."""
    ep = endpoint_id(tenant_id, extension)
    forwarded = bool(
        await conn.fetchval(
            "SELECT forward_to IS NOT NULL FROM seats WHERE tenant_id = $1 AND extension = $2",
            tenant_id,
            extension,
        )
    )
    await conn.execute(
        "INSERT INTO queue_members (queue_name, interface, membername, state_interface,"
        " penalty, paused) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (queue_name, interface) DO NOTHING",
        queue_name(tenant_id, name),
        member_interface(ep, forwarded=forwarded),
        ep,
        device(ep),
        penalty,
        1 if paused else 0,
    )


async def set_member_paused(conn: Any, tenant_id: str, extension: str, paused: bool) -> list[str]:
    """Write ``paused`` on every membership of a seat (what a node loads when it starts;
    the running nodes are paused over AMI); returns their interfaces."""
    rows = await conn.fetch(
        "UPDATE queue_members SET paused = $2 WHERE membername = $1"
        " AND queue_name LIKE $3 RETURNING interface",
        endpoint_id(tenant_id, extension),
        1 if paused else 0,
        queue_name(tenant_id, "%"),
    )
    return sorted({r["interface"] for r in rows})


# ---------------------------------------------------------------- console (issue 7)
async def reset_seat_password(conn: Any, tenant_id: str, extension: str, password: str) -> str:
    """New SIP password for a seat; its registrations are dropped, so only a phone holding
    the new password can register again. Returns the endpoint id."""
    ep = endpoint_id(tenant_id, extension)
    await conn.execute(
        "UPDATE ps_auths SET password = $3 WHERE id = $1 AND tenant_id = $2",
        ep,
        tenant_id,
        password,
    )
    await conn.execute("DELETE FROM ps_contacts WHERE endpoint = $1", ep)
    return ep


async def delete_queue(conn: Any, tenant_id: str, name: str) -> None:
    """Remove a queue's rows (its members first); every node drops it at its reload."""
    qname = queue_name(tenant_id, name)
    await conn.execute("DELETE FROM queue_members WHERE queue_name = $1", qname)
    await conn.execute("DELETE FROM queues WHERE name = $1", qname)
