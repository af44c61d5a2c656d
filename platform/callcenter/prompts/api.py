"""``/api/v1/tenants/{tenant_id}/prompts``: upload (raw WAV body), list, delete.

A prompt is referred to as ``tenant/<name>`` in IVR menus and announcements; the dialplan
resolves it under the calling tenant only.
"""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.errors import InvalidInput
from callcenter.prompts import service
from callcenter.prompts.audio import MAX_BYTES
from callcenter.web.io import principal_of

routes = web.RouteTableDef()


@routes.put("/api/v1/tenants/{tenant_id}/prompts/{name}")
async def upload(request: web.Request) -> web.Response:
    """Upload a prompt as the raw body (16-bit mono 8 kHz WAV)."""
    who = principal_of(request)
    if request.content_length is not None and request.content_length > MAX_BYTES:
        raise InvalidInput("audio too large", field="audio")
    data = await request.content.read(MAX_BYTES + 1)
    return web.json_response(
        await service.put_prompt(
            request.app[keys.POOL],
            who,
            request.match_info["tenant_id"],
            request.match_info["name"],
            data,
        )
    )


@routes.get("/api/v1/tenants/{tenant_id}/prompts")
async def list_prompts(request: web.Request) -> web.Response:
    """The tenant's prompts (without audio)."""
    return web.json_response(
        await service.list_prompts(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.delete("/api/v1/tenants/{tenant_id}/prompts/{name}")
async def delete_prompt(request: web.Request) -> web.Response:
    """Remove a prompt no IVR menu or number uses."""
    await service.delete_prompt(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["name"],
    )
    return web.Response(status=204)
