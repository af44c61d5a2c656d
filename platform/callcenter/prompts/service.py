"""A tenant's uploaded prompts, referred to as ``tenant/<name>`` in menus and announcements."""

from __future__ import annotations

from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, NotFound, Unavailable
from callcenter.prompts import repo
from callcenter.prompts.audio import check_wav
from callcenter.prompts.schemas import PromptNameIn, SpeechIn, check_name
from callcenter.prompts.tts import SpeechError, speak


async def put_prompt(
    pool: Any,
    who: Principal,
    tenant_id: str,
    name: str,
    data: bytes,
    display_name: str | None = None,
) -> dict[str, Any]:
    """Store (or replace) a prompt; every Asterisk's media agent mirrors it at once."""
    who.require_tenant(tenant_id, "tenant_admin")
    check_name(name)
    audio = check_wav(data)
    async with transaction(pool) as conn:
        row = await repo.put_prompt(conn, tenant_id, name, audio, display_name)
    return {
        "name": name,
        "display_name": row["display_name"],
        "ref": f"tenant/{name}",
        "seconds": audio.seconds,
        "sha256": audio.sha256,
    }


async def name_prompt(
    pool: Any, who: Principal, tenant_id: str, name: str, data: PromptNameIn
) -> dict[str, Any]:
    """Change a prompt's display name (its id, which menus refer to, stays)."""
    who.require_tenant(tenant_id, "tenant_admin")
    check_name(name)
    async with transaction(pool) as conn:
        if not await repo.set_display_name(conn, tenant_id, name, data.display_name):
            raise NotFound("no such prompt", field="name")
    return {"name": name, "ref": f"tenant/{name}", "display_name": data.display_name}


async def speak_prompt(
    pool: Any, who: Principal, tenant_id: str, name: str, data: SpeechIn
) -> dict[str, Any]:
    """Store (or replace) a prompt spoken from the tenant's text by the text-to-speech engine
    of this host; kept and mirrored like an upload."""
    who.require_tenant(tenant_id, "tenant_admin")
    check_name(name)
    try:
        wav = await speak(data.text.strip(), data.language)
    except SpeechError as exc:
        raise Unavailable("text to speech is not available", reason="tts-unavailable") from exc
    result = await put_prompt(pool, who, tenant_id, name, wav, data.display_name)
    return {**result, "text": data.text.strip(), "language": data.language}


async def list_prompts(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's prompts (without audio)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.list_prompts(conn, tenant_id)
    return [
        {
            "name": r["name"],
            "display_name": r["display_name"],
            "ref": f"tenant/{r['name']}",
            "seconds": float(r["seconds"]),
            "sha256": r["sha256"],
            "updated_at": r["updated_at"].isoformat(),
        }
        for r in rows
    ]


async def delete_prompt(pool: Any, who: Principal, tenant_id: str, name: str) -> None:
    """Remove a prompt no IVR menu or number uses."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        used = await repo.users_of(conn, tenant_id, f"tenant/{name}")
        if used:
            raise Conflict("still in use", field="name", used_by=used)
        if not await repo.delete_prompt(conn, tenant_id, name):
            raise NotFound("no such prompt", field="name")
