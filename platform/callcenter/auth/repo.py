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
        "SELECT u.id, u.tenant_id, u.username, u.password_hash, u.role, u.token_version,"
        " u.disabled, t.status AS tenant_status, (a.user_id IS NOT NULL) AS seated"
        " FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id"
        " LEFT JOIN agents a ON a.user_id = u.id WHERE u.username = $1",
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


_USER = "id, tenant_id, username, role, disabled, created_at"


async def list_users(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's users."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_USER} FROM users WHERE tenant_id = $1 ORDER BY username",  # noqa: S608
        tenant_id,
    )
    return rows


async def get_user(conn: Any, tenant_id: str, username: str) -> Any:
    """One user of the tenant, or None."""
    return await conn.fetchrow(
        f"SELECT {_USER} FROM users WHERE tenant_id = $1 AND username = $2",  # noqa: S608
        tenant_id,
        username,
    )


async def set_disabled(conn: Any, tenant_id: str, username: str, disabled: bool) -> Any:
    """Disable or enable; disabling also retires every token issued so far."""
    return await conn.fetchrow(
        "UPDATE users SET disabled = $3,"  # noqa: S608
        " token_version = token_version + CASE WHEN $3 THEN 1 ELSE 0 END"
        f" WHERE tenant_id = $1 AND username = $2 RETURNING {_USER}",
        tenant_id,
        username,
        disabled,
    )


async def delete_user(conn: Any, tenant_id: str, username: str) -> bool:
    """Delete a user (an agent's agent row goes with it; its seat stays)."""
    done: str = await conn.execute(
        "DELETE FROM users WHERE tenant_id = $1 AND username = $2", tenant_id, username
    )
    return done.endswith(" 1")


async def set_password(conn: Any, tenant_id: str | None, user_id: int, password_hash: str) -> int:
    """A new password hash for a user of ``tenant_id`` (None: an operator); every token
    issued so far stops working. The new version."""
    version: int = await conn.fetchval(
        "UPDATE users SET password_hash = $3, token_version = token_version + 1"
        " WHERE tenant_id IS NOT DISTINCT FROM $1 AND id = $2 RETURNING token_version",
        tenant_id,
        user_id,
        password_hash,
    )
    return version


async def find_user_by_id(conn: Any, user_id: int) -> Any:
    """The user row (with its hash) for ``user_id``, or None."""
    return await conn.fetchrow(
        "SELECT id, tenant_id, username, password_hash, role, token_version, disabled"
        " FROM users WHERE id = $1",
        user_id,
    )
