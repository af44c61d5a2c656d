"""Schedules and their precomputed open spans in PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any


async def put_schedule(
    conn: Any,
    tenant_id: str,
    name: str,
    definition: dict[str, Any],
    closed: tuple[str, str],
    spans: Sequence[tuple[datetime, datetime]],
    spans_until: datetime,
) -> None:
    """Create or replace a schedule and all of its open spans."""
    await conn.execute(
        "INSERT INTO schedules (tenant_id, name, definition, closed_type, closed_target,"
        " spans_until) VALUES ($1, $2, $3::jsonb, $4, $5, $6)"
        " ON CONFLICT (tenant_id, name) DO UPDATE SET definition = EXCLUDED.definition,"
        " closed_type = EXCLUDED.closed_type, closed_target = EXCLUDED.closed_target,"
        " spans_until = EXCLUDED.spans_until, updated_at = now()",
        tenant_id,
        name,
        json.dumps(definition),
        closed[0],
        closed[1],
        spans_until,
    )
    await conn.execute(
        "DELETE FROM schedule_open WHERE tenant_id = $1 AND schedule = $2", tenant_id, name
    )
    await conn.copy_records_to_table(
        "schedule_open",
        records=[(tenant_id, name, o, c) for o, c in spans],
        columns=["tenant_id", "schedule", "opens_at", "closes_at"],
    )


async def due_for_refresh(conn: Any, before: datetime) -> list[Any]:
    """Schedules (all tenants) whose spans end before ``before``."""
    rows: list[Any] = await conn.fetch(
        "SELECT tenant_id, name, definition::text AS definition FROM schedules"
        " WHERE spans_until < $1",
        before,
    )
    return rows


async def numbers_using(conn: Any, tenant_id: str, name: str) -> list[str]:
    """The tenant's numbers routed by this schedule."""
    return [
        r["number"]
        for r in await conn.fetch(
            "SELECT number FROM numbers WHERE tenant_id = $1 AND schedule = $2", tenant_id, name
        )
    ]
