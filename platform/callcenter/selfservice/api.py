"""``/api/v1/tenants/{tenant_id}/selfservice/api`` (the tenant's lookup API) and the
gateway the nodes' dialplan asks, ``/internal/v1/selfservice/lookup`` (token, no user)."""

from __future__ import annotations

import asyncio
import hmac
import re
import ssl
from collections.abc import AsyncIterator

from aiohttp import web

from callcenter import keys
from callcenter.errors import InvalidInput, Unauthorized
from callcenter.selfservice import service
from callcenter.selfservice.gateway import LookupGateway
from callcenter.selfservice.schemas import LookupApiIn
from callcenter.web.io import parse_body, principal_of
from callcenter.workspace.egress import client_session

routes = web.RouteTableDef()
GATEWAY = web.AppKey("selfservice_gateway", LookupGateway)
TOKEN_HEADER = "X-CC-Lookup-Token"  # noqa: S105 (a header name)

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_LINKEDID = re.compile(r"^[0-9a-z.-]{0,64}$")


@routes.get("/api/v1/tenants/{tenant_id}/selfservice/api")
async def get_api(request: web.Request) -> web.Response:
    """The host the tenant's lookup nodes call (the secret is never returned)."""
    tenant_id = request.match_info["tenant_id"]
    view = await service.get_api(request.app[keys.POOL], principal_of(request), tenant_id)
    return web.json_response(view)


@routes.put("/api/v1/tenants/{tenant_id}/selfservice/api")
async def put_api(request: web.Request) -> web.Response:
    """Set the host lookup nodes may call (https only) and the secret requests are signed with."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    body = await parse_body(request, LookupApiIn)
    view = await service.put_api(request.app[keys.POOL], who, tenant_id, body)
    return web.json_response(view)


@routes.get("/internal/v1/selfservice/lookup")
async def lookup(request: web.Request) -> web.Response:
    """One lookup for a node's dialplan: ``status=...&n=...`` (``CURLOPT(hashcompat)``)."""
    token = request.app[keys.SETTINGS].lookup_token
    given = request.headers.get(TOKEN_HEADER, "")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthorized("lookup token required")
    q = request.query
    tenant, ivr, menu = q.get("tenant", ""), q.get("ivr", ""), q.get("menu", "")
    for name, value in (("tenant", tenant), ("ivr", ivr), ("menu", menu)):
        if not _NAME.match(value):
            raise InvalidInput(f"{name} is a name", field=name)
    linkedid = q.get("linkedid", "")
    if not _LINKEDID.match(linkedid):
        raise InvalidInput("linkedid is a channel id", field="linkedid")
    language = "en" if q.get("lang") == "en" else "zh"
    reply = await request.app[GATEWAY].answer(
        tenant, ivr, menu, q.get("digits", ""), q.get("caller", ""), linkedid, language
    )
    return web.Response(text=reply, content_type="text/plain")


async def lookup_gateway(app: web.Application) -> AsyncIterator[None]:
    """The gateway and its own session for tenants' APIs, closed on shutdown."""
    settings = app[keys.SETTINGS]
    context = None
    if settings.lookup_ca_file:
        context = ssl.create_default_context()
        await asyncio.to_thread(context.load_verify_locations, settings.lookup_ca_file)
    session = client_session(allow_private=settings.integrations_allow_private)
    app[GATEWAY] = LookupGateway(
        app[keys.POOL],
        session,
        prompts_dir=settings.prompts_dir,
        concurrency=settings.lookup_concurrency,
        per_tenant=settings.lookup_per_tenant,
        allow_private=settings.integrations_allow_private,
        ssl=context,
    )
    yield
    await session.close()
