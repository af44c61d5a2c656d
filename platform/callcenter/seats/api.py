"""``/api/v1/tenants/{tenant_id}/seats``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.seats import service
from callcenter.seats.schemas import SeatIn, SeatUpdate
from callcenter.web.io import parse_body, principal_of, queues_applied

routes = web.RouteTableDef()


@routes.post("/api/v1/tenants/{tenant_id}/seats")
async def add_seat(request: web.Request) -> web.Response:
    """Add a seat; the response carries its SIP credentials."""
    who = principal_of(request)
    body = await parse_body(request, SeatIn)
    seat = await service.add_seat(
        request.app[keys.POOL],
        request.app.get(keys.SYNC),
        request.app[keys.SETTINGS],
        who,
        request.match_info["tenant_id"],
        body,
    )
    return web.json_response(seat, status=201)


@routes.get("/api/v1/tenants/{tenant_id}/seats")
async def list_seats(request: web.Request) -> web.Response:
    """The tenant's seats."""
    return web.json_response(
        await service.list_seats(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.delete("/api/v1/tenants/{tenant_id}/seats/{extension}")
async def remove_seat(request: web.Request) -> web.Response:
    """Remove a seat."""
    await service.remove_seat(
        request.app[keys.POOL],
        request.app.get(keys.SYNC),
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["extension"],
    )
    await queues_applied(request)
    return web.Response(status=204)


@routes.put("/api/v1/tenants/{tenant_id}/seats/{extension}")
async def update_seat(request: web.Request) -> web.Response:
    """Rename a seat or forward its calls to a phone number."""
    who = principal_of(request)
    body = await parse_body(request, SeatUpdate)
    seat = await service.update_seat(
        request.app[keys.POOL],
        request.app.get(keys.SYNC),
        who,
        request.match_info["tenant_id"],
        request.match_info["extension"],
        body,
    )
    await queues_applied(request)  # forwarding changes the seat's member interface
    return web.json_response(seat)


@routes.post("/api/v1/tenants/{tenant_id}/seats/{extension}/credentials")
async def reset_credentials(request: web.Request) -> web.Response:
    """New SIP credentials for a seat (tenant admins); the old phone is signed out."""
    seat = await service.reset_credentials(
        request.app[keys.POOL],
        request.app.get(keys.SYNC),
        request.app[keys.SETTINGS],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["extension"],
    )
    return web.json_response(seat)
