"""Queues in PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_OPTION_COLUMNS = (
    "strategy",
    "ring_timeout",
    "retry",
    "wrapup_time",
    "max_len",
    "max_wait",
    "music_class",
    "announce_position",
    "announce_holdtime",
    "announce_frequency",
    "service_level",
    "callback_key",
    "overflow_timeout_kind",
    "overflow_timeout_target",
    "overflow_empty_kind",
    "overflow_empty_target",
    "overflow_full_kind",
    "overflow_full_target",
    "display_name",
    "survey",
)
QUEUE_COLUMNS = "name, extension, " + ", ".join(_OPTION_COLUMNS)


async def insert_queue(
    conn: Any, tenant_id: str, name: str, extension: str, options: Mapping[str, Any]
) -> Any:
    """Create a queue row; ``options`` holds every column of ``_OPTION_COLUMNS``."""
    cols = ", ".join(_OPTION_COLUMNS)
    marks = ", ".join(f"${i}" for i in range(4, 4 + len(_OPTION_COLUMNS)))
    return await conn.fetchrow(
        f"INSERT INTO acd_queues (tenant_id, name, extension, {cols})"  # noqa: S608
        f" VALUES ($1, $2, $3, {marks}) RETURNING {QUEUE_COLUMNS}",
        tenant_id,
        name,
        extension,
        *(options[c] for c in _OPTION_COLUMNS),
    )


async def update_queue(conn: Any, tenant_id: str, name: str, options: Mapping[str, Any]) -> Any:
    """Change a queue's options; None if the tenant has no such queue."""
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(_OPTION_COLUMNS, start=3))
    return await conn.fetchrow(
        f"UPDATE acd_queues SET {sets} WHERE tenant_id = $1 AND name = $2"  # noqa: S608
        f" RETURNING {QUEUE_COLUMNS}",
        tenant_id,
        name,
        *(options[c] for c in _OPTION_COLUMNS),
    )


async def replace_members(
    conn: Any, tenant_id: str, name: str, members: Sequence[tuple[str, int]]
) -> None:
    """Set a queue's members; an unknown extension raises ForeignKeyViolation.

    Members who stay keep their rows (and so an agent's logout from this queue, which
    hangs on the row); members who go are deleted, new ones inserted.
    """
    await conn.execute(
        "DELETE FROM acd_queue_members WHERE tenant_id = $1 AND queue_name = $2"
        " AND NOT (extension = ANY($3::text[]))",
        tenant_id,
        name,
        [ext for ext, _ in members],
    )
    await conn.executemany(
        "INSERT INTO acd_queue_members (tenant_id, queue_name, extension, penalty)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, queue_name, extension)"
        " DO UPDATE SET penalty = EXCLUDED.penalty",
        [(tenant_id, name, ext, pen) for ext, pen in members],
    )


async def extension_taken(conn: Any, tenant_id: str, extension: str) -> bool:
    """Whether a seat or queue of the tenant already uses ``extension``."""
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM seats WHERE tenant_id = $1 AND extension = $2 UNION ALL"
            " SELECT 1 FROM acd_queues WHERE tenant_id = $1 AND extension = $2",
            tenant_id,
            extension,
        )
    )


async def list_queues(conn: Any, tenant_id: str, name: str | None = None) -> list[Any]:
    """A tenant's queues (or the one named) with their members."""
    rows: list[Any] = await conn.fetch(
        "SELECT "  # noqa: S608 (column names are constants)
        + ", ".join(f"q.{c}" for c in QUEUE_COLUMNS.split(", "))
        + ","
        " coalesce(json_agg(json_build_object('extension', m.extension, 'penalty', m.penalty)"
        " ORDER BY m.extension) FILTER (WHERE m.extension IS NOT NULL), '[]')::text AS members"
        " FROM acd_queues q LEFT JOIN acd_queue_members m"
        " ON m.tenant_id = q.tenant_id AND m.queue_name = q.name"
        " WHERE q.tenant_id = $1 AND ($2::text IS NULL OR q.name = $2)"
        " GROUP BY q.tenant_id, q.name ORDER BY q.name",
        tenant_id,
        name,
    )
    return rows


async def queue_exists(conn: Any, tenant_id: str, name: str) -> bool:
    """Whether the tenant has this queue."""
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM acd_queues WHERE tenant_id = $1 AND name = $2", tenant_id, name
        )
    )


async def delete_queue(conn: Any, tenant_id: str, name: str) -> bool:
    """Remove a queue and its members; False when there was none."""
    await conn.execute(
        "DELETE FROM acd_queue_members WHERE tenant_id = $1 AND queue_name = $2", tenant_id, name
    )
    status: str = await conn.execute(
        "DELETE FROM acd_queues WHERE tenant_id = $1 AND name = $2", tenant_id, name
    )
    return status != "DELETE 0"
