"""``/api/v1/tenants/{tenant_id}/contacts``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.contacts import service
from callcenter.contacts.schemas import ContactIn
from callcenter.errors import InvalidInput
from callcenter.web.io import parse_body, principal_of, read_csv_upload

MAX_CSV_BYTES = 2 * 1024 * 1024

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
    """The tenant's contacts, the one for ``?phone=``, or those matching ``?q=``."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    query = request.query.get("q")
    if query is not None:
        return web.json_response(
            await service.search_contacts(request.app[keys.POOL], who, tenant_id, query)
        )
    phone = request.query.get("phone")
    if phone is not None:
        return web.json_response(
            await service.find_contact(request.app[keys.POOL], who, tenant_id, phone)
        )
    return web.json_response(await service.list_contacts(request.app[keys.POOL], who, tenant_id))


def _contact_id(request: web.Request) -> int:
    raw = request.match_info["contact_id"]
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidInput("a contact id is a number", field="id")
    return int(raw)


@routes.put(r"/api/v1/tenants/{tenant_id}/contacts/{contact_id:\d+}")
async def edit_contact(request: web.Request) -> web.Response:
    """Change a contact."""
    body = await parse_body(request, ContactIn)
    return web.json_response(
        await service.edit_contact(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _contact_id(request),
            body,
        )
    )


@routes.delete(r"/api/v1/tenants/{tenant_id}/contacts/{contact_id:\d+}")
async def delete_contact(request: web.Request) -> web.Response:
    """Delete a contact."""
    await service.remove_contact(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        _contact_id(request),
    )
    return web.Response(status=204)


@routes.get(r"/api/v1/tenants/{tenant_id}/contacts/{contact_id:\d+}/calls")
async def contact_calls(request: web.Request) -> web.Response:
    """A contact and its calls with the tenant (newest first, with the agents' notes)."""
    return web.json_response(
        await service.contact_calls(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _contact_id(request),
        )
    )


@routes.get("/api/v1/tenants/{tenant_id}/contacts.csv")
async def export_contacts(request: web.Request) -> web.Response:
    """Every contact as CSV (phone, name, company, email, notes)."""
    text = await service.export_contacts(
        request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
    )
    return web.Response(
        text=text,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
    )


@routes.post("/api/v1/tenants/{tenant_id}/contacts.csv")
async def import_contacts(request: web.Request) -> web.Response:
    """Create or update contacts from a CSV body (the header names the columns)."""
    who = principal_of(request)
    text = await read_csv_upload(request, MAX_CSV_BYTES)
    return web.json_response(
        await service.import_contacts(
            request.app[keys.POOL], who, request.match_info["tenant_id"], text
        )
    )
