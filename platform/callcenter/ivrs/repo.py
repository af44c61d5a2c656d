"""IVRs in PostgreSQL: the definition, and its flattened menus and keys for the dialplan."""

from __future__ import annotations

import json
from typing import Any

from callcenter.routing.ivr import Ivr


async def put_ivr(conn: Any, tenant_id: str, name: str, ivr: Ivr, definition: Any) -> None:
    """Create or replace an IVR and every menu and key row the dialplan reads."""
    await conn.execute(
        "INSERT INTO ivrs (tenant_id, name, entry, definition, greeting)"
        " VALUES ($1, $2, $3, $4::jsonb, $5)"
        " ON CONFLICT (tenant_id, name) DO UPDATE SET entry = EXCLUDED.entry,"
        " definition = EXCLUDED.definition, greeting = EXCLUDED.greeting, updated_at = now()",
        tenant_id,
        name,
        ivr.entry,
        json.dumps(definition),
        ivr.greeting,
    )
    await conn.execute("DELETE FROM ivr_menus WHERE tenant_id = $1 AND ivr = $2", tenant_id, name)
    await conn.execute("DELETE FROM ivr_keys WHERE tenant_id = $1 AND ivr = $2", tenant_id, name)
    menus, keys = [], []
    for menu in ivr.menus.values():
        base = f"{tenant_id}:{name}:{menu.name}"
        menus.append(
            (
                base,
                tenant_id,
                name,
                menu.name,
                menu.prompt,
                menu.timeout_s,
                menu.max_tries,
                menu.on_timeout.kind,
                menu.on_timeout.target,
                menu.on_invalid.kind,
                menu.on_invalid.target,
                menu.on_max_tries.kind,
                menu.on_max_tries.target,
                menu.type,
                menu.min_digits,
                menu.max_digits,
                menu.terminator,
                menu.lookup.timeout_ms if menu.lookup is not None else 0,
            )
        )
        for key, action in menu.options.items():
            keys.append((f"{base}:{key}", tenant_id, name, action.kind, action.target))
        # Self-service branches under pseudo keys no caller can press (db migration 0024).
        branches = [("next", menu.next)] if menu.next is not None else []
        if menu.lookup is not None:
            branches += [
                ("found", menu.lookup.on_found),
                ("not_found", menu.lookup.on_not_found),
                ("error", menu.lookup.on_error),
                ("timeout", menu.on_timeout),
            ]
        for key, branch in branches:
            if branch is not None:
                keys.append((f"{base}:{key}", tenant_id, name, branch.kind, branch.target))
    await conn.copy_records_to_table(
        "ivr_menus",
        records=menus,
        columns=[
            "id",
            "tenant_id",
            "ivr",
            "menu",
            "prompt",
            "timeout",
            "max_tries",
            "timeout_kind",
            "timeout_target",
            "invalid_kind",
            "invalid_target",
            "maxtries_kind",
            "maxtries_target",
            "type",
            "min_digits",
            "max_digits",
            "terminator",
            "lookup_timeout_ms",
        ],
    )
    await conn.copy_records_to_table(
        "ivr_keys", records=keys, columns=["id", "tenant_id", "ivr", "kind", "target"]
    )


async def users_of(conn: Any, tenant_id: str, name: str) -> list[str]:
    """What points at this IVR: numbers, schedules (closed destination), queue overflows."""
    rows = await conn.fetch(
        "SELECT 'number ' || number AS what FROM numbers"
        "  WHERE tenant_id = $1 AND destination_type = 'ivr' AND destination = $2"
        " UNION ALL SELECT 'schedule ' || name FROM schedules"
        "  WHERE tenant_id = $1 AND closed_type = 'ivr' AND closed_target = $2"
        " UNION ALL SELECT 'queue ' || name FROM acd_queues WHERE tenant_id = $1 AND ("
        "  (overflow_timeout_kind = 'ivr' AND overflow_timeout_target = $2)"
        "  OR (overflow_empty_kind = 'ivr' AND overflow_empty_target = $2)"
        "  OR (overflow_full_kind = 'ivr' AND overflow_full_target = $2))",
        tenant_id,
        name,
    )
    return [r["what"] for r in rows]
