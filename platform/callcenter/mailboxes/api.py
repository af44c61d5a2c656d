"""``/api/v1/tenants/{tenant_id}/mailboxes``: voicemail boxes, a destination like any other."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.errors import InvalidInput
from callcenter.mailboxes import service
from callcenter.mailboxes.schemas import HeardIn, MailboxEdit, MailboxIn
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


@routes.put("/api/v1/tenants/{tenant_id}/mailboxes/{mailbox}")
async def put_mailbox(request: web.Request) -> web.Response:
    """Change a mailbox's name and e-mail address (tenant admins)."""
    who = principal_of(request)
    body = await parse_body(request, MailboxEdit)
    return web.json_response(
        await service.update_mailbox(
            request.app[keys.POOL],
            who,
            request.match_info["tenant_id"],
            request.match_info["mailbox"],
            body,
        )
    )


@routes.delete("/api/v1/tenants/{tenant_id}/mailboxes/{mailbox}")
async def delete_mailbox(request: web.Request) -> web.Response:
    """Remove a mailbox nothing routes calls to (409 ``conflict`` naming what still does)."""
    await service.delete_mailbox(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["mailbox"],
    )
    return web.Response(status=204)


def _message_id(request: web.Request) -> int:
    return int(request.match_info["message_id"])


@routes.get("/api/v1/tenants/{tenant_id}/voicemail")
async def list_voicemail(request: web.Request) -> web.Response:
    """The tenant's voicemail, newest first (``?mailbox=`` for one box)."""
    mailbox = request.query.get("mailbox")
    if mailbox is not None and not (mailbox.isdigit() and 2 <= len(mailbox) <= 10):
        raise InvalidInput("a mailbox is 2-10 digits", field="mailbox")
    return web.json_response(
        await service.list_messages(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"], mailbox
        )
    )


@routes.get(r"/api/v1/tenants/{tenant_id}/voicemail/{message_id:\d{1,18}}/audio")
async def voicemail_audio(request: web.Request) -> web.Response:
    """A message's audio (WAV) for the browser's player."""
    data = await service.message_audio(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        _message_id(request),
    )
    return web.Response(body=data, content_type="audio/wav")


@routes.put(r"/api/v1/tenants/{tenant_id}/voicemail/{message_id:\d{1,18}}/heard")
async def voicemail_heard(request: web.Request) -> web.Response:
    """Mark a message heard (``{"heard": false}``: new again)."""
    body = await parse_body(request, HeardIn)
    return web.json_response(
        await service.mark_heard(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _message_id(request),
            body.heard,
        )
    )
