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
from callcenter.prompts.schemas import PromptNameIn, SpeechIn, check_display_name
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.put("/api/v1/tenants/{tenant_id}/prompts/{name}")
async def upload(request: web.Request) -> web.Response:
    """Upload a prompt as the raw body (16-bit mono 8 kHz WAV); ``?display_name=`` names it."""
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
            check_display_name(request.query.get("display_name")),
        )
    )


@routes.put("/api/v1/tenants/{tenant_id}/prompts/{name}/display_name")
async def name_prompt(request: web.Request) -> web.Response:
    """Change a prompt's display name ({"display_name": "欢迎语"}, null: the id alone)."""
    body = await parse_body(request, PromptNameIn)
    return web.json_response(
        await service.name_prompt(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["name"],
            body,
        )
    )


@routes.post("/api/v1/tenants/{tenant_id}/prompts/{name}/speech")
async def speak(request: web.Request) -> web.Response:
    """Make a prompt from text ({"text": "...", "language": "zh"}): the host speaks it."""
    return web.json_response(
        await service.speak_prompt(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["name"],
            await parse_body(request, SpeechIn),
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
