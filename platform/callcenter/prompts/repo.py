"""Uploaded prompts in PostgreSQL (the media agent mirrors them to every Asterisk)."""

from __future__ import annotations

from typing import Any

from callcenter.prompts.audio import Audio


async def put_prompt(
    conn: Any, tenant_id: str, name: str, audio: Audio, display_name: str | None = None
) -> Any:
    """Store or replace a prompt's audio (a replaced prompt keeps its display name unless
    a new one is given); the row's name and display name."""
    return await conn.fetchrow(
        "INSERT INTO prompts (tenant_id, name, audio, sha256, seconds, display_name)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, name) DO UPDATE SET"
        " audio = EXCLUDED.audio, sha256 = EXCLUDED.sha256, seconds = EXCLUDED.seconds,"
        " display_name = coalesce(EXCLUDED.display_name, prompts.display_name),"
        " updated_at = now() RETURNING display_name",
        tenant_id,
        name,
        audio.data,
        audio.sha256,
        audio.seconds,
        display_name,
    )


async def set_display_name(conn: Any, tenant_id: str, name: str, display_name: str | None) -> bool:
    """Name a prompt in any script; False if the tenant has no such prompt."""
    status: str = await conn.execute(
        "UPDATE prompts SET display_name = $3 WHERE tenant_id = $1 AND name = $2",
        tenant_id,
        name,
        display_name,
    )
    return status.endswith(" 1")


async def exists(conn: Any, tenant_id: str, name: str) -> bool:
    """Whether the tenant has uploaded a prompt of this name."""
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM prompts WHERE tenant_id = $1 AND name = $2", tenant_id, name
        )
    )


async def list_prompts(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's prompts, without audio, by name."""
    rows: list[Any] = await conn.fetch(
        "SELECT name, display_name, seconds, sha256, updated_at FROM prompts"
        " WHERE tenant_id = $1 ORDER BY name",
        tenant_id,
    )
    return rows


async def users_of(conn: Any, tenant_id: str, ref: str) -> list[str]:
    """What plays this prompt: IVR menus and greetings, numbers, schedules, queue overflows."""
    rows = await conn.fetch(
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
    return [r["what"] for r in rows]


async def delete_prompt(conn: Any, tenant_id: str, name: str) -> bool:
    """Remove a prompt; False if there was none."""
    result: str = await conn.execute(
        "DELETE FROM prompts WHERE tenant_id = $1 AND name = $2", tenant_id, name
    )
    return result.endswith(" 1")
