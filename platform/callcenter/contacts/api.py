"""``/api/v1/tenants/{tenant_id}/contacts``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.contacts import service
from callcenter.contacts.schemas import ContactIn
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.post("/api/v1/tenants/{tenant_id}/contacts")
async def add_contact(request: web.Request) -> web.Response:
    """Create a contact."""
    body = await parse_body(request, ContactIn)
    contact = await service.add_contact(
        request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"], body
    )
    return web.json_response(contact, status=201)


@routes.get("/api/v1/tenants/{tenant_id}/contacts")
async def list_contacts(request: web.Request) -> web.Response:
    """The tenant's contacts, or the one for ``?phone=``."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    phone = request.query.get("phone")
    if phone is not None:
        return web.json_response(
            await service.find_contact(request.app[keys.POOL], who, tenant_id, phone)
        )
    return web.json_response(await service.list_contacts(request.app[keys.POOL], who, tenant_id))
