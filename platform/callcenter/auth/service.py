"""Sign-in (rate limited, hashing off the event loop) and user management."""

from __future__ import annotations

import time
from typing import Any

from callcenter.auth import repo
from callcenter.auth.passwords import Hasher, hash_password
from callcenter.auth.principal import Principal
from callcenter.auth.throttle import LoginThrottle
from callcenter.auth.tokens import TokenService
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, Forbidden, NotFound, TooManyAttempts, Unauthorized

_DUMMY_HASH = hash_password("timing-equaliser")


async def sign_in(
    pool: Any,
    tokens: TokenService,
    hasher: Hasher,
    throttle: LoginThrottle,
    username: str,
    password: str,
    address: str,
) -> str:
    """A token for valid credentials; the same error for an unknown user and a wrong password.

    Attempts are limited per username and per source address (429 with the wait), before
    any hashing; a disabled user, any user of a closed tenant, an agent without a seat or of a
    suspended tenant is refused
    even with the right password.
    """
    wait = throttle.attempt(username, address, time.monotonic())
    if wait:
        raise TooManyAttempts("too many sign-in attempts; try again later", retry_after_s=wait)
    async with connection(pool) as conn:
        row = await repo.find_user(conn, username)
    right = await hasher.verify(password, _DUMMY_HASH if row is None else row["password_hash"])
    if row is None or not right:
        raise Unauthorized("wrong username or password", slug="bad-credentials")
    throttle.succeeded(username, address, time.monotonic())
    if row["disabled"]:
        raise Unauthorized("this user is disabled", slug="user-disabled")
    if row["role"] == "agent" and not row["seated"]:
        raise Unauthorized("the agent's seat was removed", slug="seat-removed")
    if row["tenant_status"] == "closed":
        raise Forbidden("the tenant is closed", slug="tenant-closed")
    if row["role"] == "agent" and row["tenant_status"] == "suspended":
        raise Forbidden("the tenant is suspended", slug="tenant-suspended")
    principal = Principal(
        user_id=row["id"],
        username=row["username"],
        role=row["role"],
        tenant_id=row["tenant_id"],
        token_version=row["token_version"],
    )
    return tokens.issue(principal)


async def bootstrap_operator(pool: Any, username: str, password: str) -> None:
    """Make sure the configured platform operator account exists with this password."""
    async with transaction(pool) as conn:
        await repo.upsert_operator(conn, username, hash_password(password))


# ------------------------------------------------------------------ user management
def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "username": row["username"],
        "role": row["role"],
        "status": "disabled" if row["disabled"] else "active",
        "created_at": row["created_at"].isoformat(),
    }


def _not_self(who: Principal, row: Any) -> None:
    if row["id"] == who.user_id:
        raise Conflict("you cannot disable or delete yourself", field="username")


async def list_users(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's users (tenant admins, operators)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return [_view(r) for r in await repo.list_users(conn, tenant_id)]


async def set_status(
    pool: Any, who: Principal, tenant_id: str, username: str, status: str
) -> dict[str, Any]:
    """Disable (its tokens stop working at once, its websockets close) or enable a user."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        row = await repo.get_user(conn, tenant_id, username)
        if row is None:
            raise NotFound("no such user", field="username")
        _not_self(who, row)
        row = await repo.set_disabled(conn, tenant_id, username, status == "disabled")
    return _view(row)


async def delete_user(pool: Any, who: Principal, tenant_id: str, username: str) -> None:
    """Delete a user: its tokens stop working at once (an agent's seat stays)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        row = await repo.get_user(conn, tenant_id, username)
        if row is None:
            raise NotFound("no such user", field="username")
        _not_self(who, row)
        await repo.delete_user(conn, tenant_id, username)


async def reset_password(
    pool: Any, hasher: Hasher, who: Principal, tenant_id: str, username: str, password: str
) -> dict[str, Any]:
    """A tenant admin (or operator) sets a user's password; its old tokens stop working."""
    who.require_tenant(tenant_id, "tenant_admin")
    hashed = await hasher.hash(password)
    async with transaction(pool) as conn:
        row = await repo.get_user(conn, tenant_id, username)
        if row is None:
            raise NotFound("no such user", field="username")
        await repo.set_password(conn, tenant_id, row["id"], hashed)
    return _view(row)


async def change_password(
    pool: Any,
    hasher: Hasher,
    tokens: TokenService,
    throttle: LoginThrottle,
    who: Principal,
    address: str,
    current: str,
    new: str,
) -> str:
    """The caller changes its own password: every older token (other sessions too) stops
    working; the answer is a fresh token for this session. Guesses of the current password
    count against the same limits as sign-ins."""
    wait = throttle.attempt(who.username, address, time.monotonic())
    if wait:
        raise TooManyAttempts("too many attempts; try again later", retry_after_s=wait)
    async with connection(pool) as conn:
        row = await repo.find_user_by_id(conn, who.user_id)
    if row is None:
        raise Unauthorized("this user no longer exists", slug="token-revoked")
    if not await hasher.verify(current, row["password_hash"]):
        raise Unauthorized("wrong current password", slug="bad-credentials")
    throttle.succeeded(who.username, address, time.monotonic())
    hashed = await hasher.hash(new)
    async with transaction(pool) as conn:
        version = await repo.set_password(conn, who.tenant_id, who.user_id, hashed)
    return tokens.issue(
        Principal(who.user_id, row["username"], who.role, who.tenant_id, token_version=version)
    )
