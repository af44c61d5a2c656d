"""Realtime endpoints in PostgreSQL: none can exist without its own digest auth."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest


@pytest.mark.parametrize("auth", [None, "", "someone-else"])
async def test_an_endpoint_row_without_its_own_auth_is_refused(
    db: Any, uid: str, auth: str | None
) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute(
            "INSERT INTO ps_endpoints (id, tenant_id, auth, context) VALUES ($1, 't', $2, 'x')",
            f"t-{uid}",
            auth,
        )
    assert await db.fetchval("SELECT count(*) FROM ps_endpoints WHERE id = $1", f"t-{uid}") == 0
