"""``/api/v1/tenants/{tenant_id}/mailboxes``: voicemail boxes, a destination like any other."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.mailboxes import service
from callcenter.mailboxes.schemas import MailboxIn
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.post("/api/v1/tenants/{tenant_id}/mailboxes")
async def post_mailbox(request: web.Request) -> web.Response:
    """Create a voicemail box (tenant admins)."""
    who = principal_of(request)
    body = await parse_body(request, MailboxIn)
    return web.json_response(
        await service.create_mailbox(
            request.app[keys.POOL], who, request.match_info["tenant_id"], body
        ),
        status=201,
    )


@routes.get("/api/v1/tenants/{tenant_id}/mailboxes")
async def list_mailboxes(request: web.Request) -> web.Response:
    """The tenant's mailboxes."""
    return web.json_response(
        await service.list_mailboxes(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )
