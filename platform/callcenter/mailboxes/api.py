"""``/api/v1/tenants/{tenant_id}/mailboxes``: voicemail boxes, a destination like any other."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from callcenter import keys
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


class MailboxIn(BaseModel):
    """A new mailbox."""

    model_config = ConfigDict(extra="forbid")
    mailbox: str = Field(pattern=r"^[0-9]{2,10}$")
    name: str = Field(default="", max_length=64, pattern=r"^[^\"<>\\\r\n\x00;,|&$`{}\[\]]*$")
    email: str = Field(default="", max_length=200, pattern=r"^([^@\s,;|]+@[^@\s,;|]+)?$")


async def create_mailbox(
    pool: Any, who: Principal, tenant_id: str, data: MailboxIn
) -> dict[str, Any]:
    """Create a mailbox; calls can be sent to it at once."""
    who.require_tenant(tenant_id, "tenant_admin")
    try:
        async with transaction(pool) as conn:
            await conn.execute(
                "INSERT INTO mailboxes (tenant_id, mailbox, name, email) VALUES ($1, $2, $3, $4)",
                tenant_id,
                data.mailbox,
                data.name,
                data.email,
            )
    except Conflict as exc:
        raise Conflict("mailbox already exists", field="mailbox") from exc
    return data.model_dump()


@routes.post("/api/v1/tenants/{tenant_id}/mailboxes")
async def post_mailbox(request: web.Request) -> web.Response:
    """Create a voicemail box (tenant admins)."""
    who = principal_of(request)
    body = await parse_body(request, MailboxIn)
    return web.json_response(
        await create_mailbox(request.app[keys.POOL], who, request.match_info["tenant_id"], body),
        status=201,
    )


@routes.get("/api/v1/tenants/{tenant_id}/mailboxes")
async def list_mailboxes(request: web.Request) -> web.Response:
    """The tenant's mailboxes."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(request.app[keys.POOL]) as conn:
        rows = await conn.fetch(
            "SELECT mailbox, name, email FROM mailboxes WHERE tenant_id = $1 ORDER BY mailbox",
            tenant_id,
        )
    return web.json_response([dict(r) for r in rows])
