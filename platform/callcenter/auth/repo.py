"""Users in PostgreSQL."""

from __future__ import annotations

from typing import Any

from callcenter.auth.principal import Role


async def insert_user(
    conn: Any, tenant_id: str | None, username: str, password_hash: str, role: Role
) -> int:
    """Create a user; a taken username raises UniqueViolation (mapped to Conflict)."""
    user_id: int = await conn.fetchval(
        "INSERT INTO users (tenant_id, username, password_hash, role)"
        " VALUES ($1, $2, $3, $4) RETURNING id",
        tenant_id,
        username,
        password_hash,
        role,
    )
    return user_id


async def find_user(conn: Any, username: str) -> Any:
    """The user row for ``username``, or None."""
    return await conn.fetchrow(
        "SELECT id, tenant_id, username, password_hash, role FROM users WHERE username = $1",
        username,
    )


async def upsert_operator(conn: Any, username: str, password_hash: str) -> None:
    """Create the bootstrap operator, or reset its password."""
    await conn.execute(
        "INSERT INTO users (tenant_id, username, password_hash, role)"
        " VALUES (NULL, $1, $2, 'operator')"
        " ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash"
        " WHERE users.role = 'operator'",
        username,
        password_hash,
    )
