"""Trunks in PostgreSQL (platform data: no tenant owns a trunk)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_COLUMNS = (
    "name, host, port, transport, max_channels, priority, prefixes, inbound_prefixes, enabled,"
    " register, auth_username, auth_password IS NOT NULL AS has_password, register_expires,"
    " created_at, tenant_id"
)
# The columns a service may write; names come from here, never from input.
WRITABLE = (
    "host",
    "port",
    "transport",
    "max_channels",
    "priority",
    "prefixes",
    "inbound_prefixes",
    "enabled",
    "register",
    "auth_username",
    "auth_password",
    "register_expires",
    "tenant_id",
)


async def insert_trunk(conn: Any, name: str, values: Mapping[str, Any]) -> Any:
    """Create a trunk; a taken name raises UniqueViolation (mapped to Conflict)."""
    cols = [c for c in WRITABLE if c in values]
    placeholders = ", ".join(f"${i}" for i in range(2, len(cols) + 2))
    return await conn.fetchrow(
        f"INSERT INTO trunks (name, {', '.join(cols)}) VALUES ($1, {placeholders})"  # noqa: S608
        f" RETURNING {_COLUMNS}",
        name,
        *(values[c] for c in cols),
    )


async def get_trunk(conn: Any, name: str, *, for_update: bool = False) -> Any:
    """One trunk, or None."""
    lock = " FOR UPDATE" if for_update else ""
    return await conn.fetchrow(
        f"SELECT {_COLUMNS}, auth_password FROM trunks WHERE name = $1{lock}",  # noqa: S608
        name,
    )


async def list_trunks(conn: Any) -> list[Any]:
    """Every trunk, in the order outbound calls try them."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_COLUMNS} FROM trunks ORDER BY priority, name"  # noqa: S608
    )
    return rows


async def update_trunk(conn: Any, name: str, values: Mapping[str, Any]) -> Any:
    """Change the named columns; the edge reads them at its next call or registration."""
    cols = [c for c in WRITABLE if c in values]
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(cols, start=2))
    return await conn.fetchrow(
        f"UPDATE trunks SET {sets} WHERE name = $1 RETURNING {_COLUMNS}",  # noqa: S608
        name,
        *(values[c] for c in cols),
    )


async def delete_trunk(conn: Any, name: str) -> bool:
    """Remove a trunk (calls up on it are not cut: the edge holds them)."""
    return bool(await conn.fetchval("DELETE FROM trunks WHERE name = $1 RETURNING 1", name))


async def node_at(conn: Any, host: str) -> str | None:
    """The platform node at this SIP address, if any."""
    name: str | None = await conn.fetchval(
        "SELECT name FROM nodes WHERE sip_host = $1 ORDER BY name LIMIT 1", host
    )
    return name


async def tenant_exists(conn: Any, tenant_id: str) -> bool:
    """Whether the tenant a PBX trunk names exists."""
    return bool(await conn.fetchval("SELECT 1 FROM tenants WHERE id = $1", tenant_id))
