"""``/api/v1/tenants/{tenant_id}/prompts``: upload (raw WAV body), list, delete.

A prompt is referred to as ``tenant/<name>`` in IVR menus and announcements; the dialplan
resolves it under the calling tenant only.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from callcenter import keys
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.prompts.audio import MAX_BYTES, check_wav
from callcenter.web.io import principal_of

routes = web.RouteTableDef()
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


async def put_prompt(
    pool: Any, who: Principal, tenant_id: str, name: str, data: bytes
) -> dict[str, Any]:
    """Store (or replace) a prompt; every Asterisk's media agent mirrors it at once."""
    who.require_tenant(tenant_id, "tenant_admin")
    if not NAME_RE.match(name):
        raise InvalidInput("a prompt name is lowercase letters, digits, _ and -", field="name")
    audio = check_wav(data)
    async with transaction(pool) as conn:
        await conn.execute(
            "INSERT INTO prompts (tenant_id, name, audio, sha256, seconds)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, name) DO UPDATE SET"
            " audio = EXCLUDED.audio, sha256 = EXCLUDED.sha256, seconds = EXCLUDED.seconds,"
            " updated_at = now()",
            tenant_id,
            name,
            audio.data,
            audio.sha256,
            audio.seconds,
        )
    return {"name": name, "ref": f"tenant/{name}", "seconds": audio.seconds, "sha256": audio.sha256}


@routes.put("/api/v1/tenants/{tenant_id}/prompts/{name}")
async def upload(request: web.Request) -> web.Response:
    """Upload a prompt as the raw body (16-bit mono 8 kHz WAV)."""
    who = principal_of(request)
    if request.content_length is not None and request.content_length > MAX_BYTES:
        raise InvalidInput("audio too large", field="audio")
    data = await request.content.read(MAX_BYTES + 1)
    return web.json_response(
        await put_prompt(
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
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(request.app[keys.POOL]) as conn:
        rows = await conn.fetch(
            "SELECT name, seconds, sha256, updated_at FROM prompts WHERE tenant_id = $1"
            " ORDER BY name",
            tenant_id,
        )
    return web.json_response(
        [
            {
                "name": r["name"],
                "ref": f"tenant/{r['name']}",
                "seconds": float(r["seconds"]),
                "sha256": r["sha256"],
                "updated_at": r["updated_at"].isoformat(),
            }
            for r in rows
        ]
    )


@routes.delete("/api/v1/tenants/{tenant_id}/prompts/{name}")
async def delete_prompt(request: web.Request) -> web.Response:
    """Remove a prompt no IVR menu or number uses."""
    who = principal_of(request)
    tenant_id, name = request.match_info["tenant_id"], request.match_info["name"]
    who.require_tenant(tenant_id, "tenant_admin")
    ref = f"tenant/{name}"
    async with transaction(request.app[keys.POOL]) as conn:
        used = await conn.fetch(
            "SELECT 'ivr ' || ivr AS what FROM ivr_menus WHERE tenant_id = $1 AND prompt = $2"
            " UNION SELECT 'ivr ' || name FROM ivrs WHERE tenant_id = $1 AND greeting = $2"
            " UNION SELECT 'number ' || number FROM numbers WHERE tenant_id = $1"
            " AND destination_type = 'announcement' AND destination = $2"
            " UNION SELECT 'schedule ' || name FROM schedules WHERE tenant_id = $1"
            " AND closed_type = 'announcement' AND closed_target = $2"
            " UNION SELECT 'queue ' || name FROM acd_queues WHERE tenant_id = $1 AND $2 IN ("
            " CASE WHEN overflow_timeout_kind = 'announcement' THEN overflow_timeout_target END,"
            " CASE WHEN overflow_empty_kind = 'announcement' THEN overflow_empty_target END,"
            " CASE WHEN overflow_full_kind = 'announcement' THEN overflow_full_target END)",
            tenant_id,
            ref,
        )
        if used:
            raise Conflict("still in use", field="name", used_by=[r["what"] for r in used])
        result = await conn.execute(
            "DELETE FROM prompts WHERE tenant_id = $1 AND name = $2", tenant_id, name
        )
    if not result.endswith(" 1"):
        raise NotFound("no such prompt", field="name")
    return web.Response(status=204)
