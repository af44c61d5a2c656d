"""Sign-in."""

from __future__ import annotations

from typing import Any

from callcenter.auth import repo
from callcenter.auth.passwords import hash_password, verify_password
from callcenter.auth.principal import Principal
from callcenter.auth.tokens import TokenService
from callcenter.db.pool import connection, transaction
from callcenter.errors import Unauthorized

_DUMMY_HASH = hash_password("timing-equaliser")


async def sign_in(pool: Any, tokens: TokenService, username: str, password: str) -> str:
    """A token for valid credentials; the same error for an unknown user and a wrong password."""
    async with connection(pool) as conn:
        row = await repo.find_user(conn, username)
    if row is None:
        verify_password(password, _DUMMY_HASH)
        raise Unauthorized("wrong username or password", slug="bad-credentials")
    if not verify_password(password, row["password_hash"]):
        raise Unauthorized("wrong username or password", slug="bad-credentials")
    principal = Principal(
        user_id=row["id"], username=row["username"], role=row["role"], tenant_id=row["tenant_id"]
    )
    return tokens.issue(principal)


async def bootstrap_operator(pool: Any, username: str, password: str) -> None:
    """Make sure the configured platform operator account exists with this password."""
    async with transaction(pool) as conn:
        await repo.upsert_operator(conn, username, hash_password(password))
