"""The control plane's connection pool: a release costs no round trip, and a transaction
left open never reaches the next user of the connection."""

from __future__ import annotations

from typing import Any

from callcenter.db.pool import create_pool


async def test_a_released_connection_is_not_sent_a_reset_query(dsn: str, db: Any) -> None:
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
            await conn.fetchval("SELECT 'the last query of this use'")
        # The server's record of the backend's last statement: ours, not a reset query.
        last = await db.fetchval("SELECT query FROM pg_stat_activity WHERE pid = $1", pid)
        assert last == "SELECT 'the last query of this use'"
    finally:
        await pool.close()


async def test_a_transaction_left_open_is_rolled_back_on_release(dsn: str) -> None:
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            await conn.execute("CREATE TEMP TABLE left_open (x int)")
            await conn.execute("BEGIN")
            await conn.execute("INSERT INTO left_open VALUES (1)")
        async with pool.acquire() as conn:
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT count(*) FROM left_open") == 0
    finally:
        await pool.close()
