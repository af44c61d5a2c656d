"""Adding and removing seats: live for phones the moment the transaction commits."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from callcenter.asterisk import cache, realtime
from callcenter.asterisk.live import AsteriskSync
from callcenter.asterisk.naming import endpoint_id
from callcenter.auth.passwords import new_secret
from callcenter.auth.principal import Principal
from callcenter.billing import repo as billing_repo
from callcenter.db.pool import connection, on_conflict, transaction
from callcenter.destinations.service import outside_allowed
from callcenter.errors import DomainError, InvalidInput
from callcenter.queues import repo as queues_repo
from callcenter.seats import repo
from callcenter.seats.errors import ExtensionTaken, NoSuchSeat
from callcenter.seats.schemas import SeatIn, SeatUpdate
from callcenter.settings import Settings


async def publish_seat(
    sync: AsteriskSync | None, endpoint: str, changed: Iterable[cache.Cache] = cache.SEAT
) -> None:
    """Expire what Asterisk cached of the seat that ``changed`` and publish its state now; if
    Asterisk is away, the next re-sync will (it starts by expiring every cached seat)."""
    if sync is not None:
        with contextlib.suppress(DomainError):
            await sync.seat_changed(endpoint, changed)


def _view(row: Any) -> dict[str, Any]:
    return {
        "extension": row["extension"],
        "name": row["name"],
        "sip_username": row["endpoint_id"],
        "forward_to": row["forward_to"],
        "supervisor": row["supervisor"],
        "created_at": row["created_at"].isoformat(),
    }


async def add_seat(
    pool: Any,
    sync: AsteriskSync | None,
    settings: Settings,
    who: Principal,
    tenant_id: str,
    data: SeatIn,
) -> dict[str, Any]:
    """Create a seat with fresh SIP credentials; the password is shown only here."""
    who.require_tenant(tenant_id, "tenant_admin")
    password = new_secret()
    ep = endpoint_id(tenant_id, data.extension)
    taken = ExtensionTaken("extension already in use", field="extension")
    async with transaction(pool) as conn, on_conflict(taken):
        if await queues_repo.extension_taken(conn, tenant_id, data.extension):
            raise taken
        row = await repo.insert_seat(conn, tenant_id, data.extension, ep, data.name)
        await realtime.put_seat(conn, tenant_id, data.extension, password, data.name)
        await billing_repo.seat_added(conn, tenant_id, data.extension, ep)
    await publish_seat(sync, ep)
    return {**_view(row), "sip": _credentials(settings, ep, password)}


def _credentials(settings: Settings, ep: str, password: str) -> dict[str, str]:
    """What a SIP app needs to register the seat (the password is shown only here)."""
    return {
        "username": ep,
        "auth_username": ep,
        "password": password,
        "domain": settings.sip_host,
        "registrar": f"{settings.sip_host}:{settings.sip_port}",
        "transport": "udp",
        "uri": f"sip:{ep}@{settings.sip_host}:{settings.sip_port}",
    }


async def list_seats(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """A tenant's seats (without passwords)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return [_view(r) for r in await repo.list_seats(conn, tenant_id)]


async def remove_seat(
    pool: Any, sync: AsteriskSync | None, who: Principal, tenant_id: str, extension: str
) -> None:
    """Remove a seat: it can no longer register or be rung; a call in progress goes on."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        if not await repo.delete_seat(conn, tenant_id, extension):
            raise NoSuchSeat("no such seat", field="extension")
        ep = await realtime.delete_seat(conn, tenant_id, extension)
        await billing_repo.seat_removed(conn, tenant_id, extension)
    await publish_seat(sync, ep)


async def update_seat(
    pool: Any,
    sync: AsteriskSync | None,
    who: Principal,
    tenant_id: str,
    extension: str,
    data: SeatUpdate,
) -> dict[str, Any]:
    """Rename a seat, or forward its calls to a mobile/landline (None: back to the phone).

    Queues then ring the forward number through the carrier, and never while the seat is
    already on a call.
    """
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        row = await write_seat(
            conn,
            tenant_id,
            extension,
            name=data.name,
            forward_to=data.forward_to,
            supervisor=data.supervisor,
        )
    # Of these, only the name is in the endpoint (its caller ID); forwarding is queue_members.
    await publish_seat(sync, row["endpoint_id"], cache.ENDPOINT if data.name is not None else ())
    return _view(row)


async def write_seat(
    conn: Any,
    tenant_id: str,
    extension: str,
    *,
    name: str | None,
    forward_to: str | None,
    supervisor: bool | None,
    field: str = "forward_to",
) -> Any:
    """Change a seat inside the caller's transaction (``forward_to`` None: back to the phone);
    publish it with ``publish_seat`` once committed. ``field`` names the input in errors."""
    if forward_to is not None and not await outside_allowed(conn, tenant_id, forward_to):
        raise InvalidInput("the tenant's outbound policy does not allow this number", field=field)
    row = await repo.update_seat(conn, tenant_id, extension, name, forward_to, supervisor)
    if row is None:
        raise NoSuchSeat("no such seat", field="extension")
    if name is not None:
        await realtime.set_display_name(conn, tenant_id, extension, name)
    await realtime.set_forwarding(conn, tenant_id, extension, forward_to is not None)
    return row


async def reset_credentials(
    pool: Any,
    sync: AsteriskSync | None,
    settings: Settings,
    who: Principal,
    tenant_id: str,
    extension: str,
) -> dict[str, Any]:
    """Give a seat a fresh SIP password (shown only in this answer); the phone holding the old
    one is signed out at once and cannot register again. A call in progress goes on."""
    who.require_tenant(tenant_id, "tenant_admin")
    password = new_secret()
    async with transaction(pool) as conn:
        row = next(
            (r for r in await repo.list_seats(conn, tenant_id) if r["extension"] == extension), None
        )
        if row is None:
            raise NoSuchSeat("no such seat", field="extension")
        ep = await realtime.reset_seat_password(conn, tenant_id, extension, password)
    await publish_seat(sync, ep, cache.AUTH)
    return {**_view(row), "sip": _credentials(settings, ep, password)}
