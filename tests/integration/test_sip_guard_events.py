"""The guard behind the edge, against real PostgreSQL: the rows the edge writes (as Asterisk's
role) reach the control plane by LISTEN/NOTIFY and become blocks; a restarted control plane
replays recent events into its windows but never turns them into a block."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest_asyncio

from callcenter.db.pool import create_pool
from callcenter.security.guard import Policy
from callcenter.security.service import SipGuard

from support import wait_for

POLICY = Policy(threshold=3, window_s=60, block_s=60)


@pytest_asyncio.fixture
async def pool(dsn: str) -> AsyncIterator[Any]:
    pool = await create_pool(dsn, max_size=2)
    yield pool
    await pool.close()


@pytest_asyncio.fixture
async def edge(asterisk_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """What the edge logs in as (Asterisk's role): it may insert outcomes, nothing more."""
    conn = await asyncpg.connect(asterisk_dsn)
    yield conn
    await conn.close()


def _addresses(n: int) -> list[str]:
    """``n`` different addresses (two random picks could be the same one: 1 run in 254 the
    spared office was the attacker, and no block came)."""
    return [f"198.51.100.{host}" for host in random.sample(range(1, 255), n)]


async def _outcome(edge: asyncpg.Connection, address: str, ok: bool) -> None:
    # The statement the edge's guard.cfg runs (sqlops has no bind parameters there).
    await edge.execute(
        "INSERT INTO sip_auth_events (address, ok, account) VALUES ($1, $2, 'acme-1001')",
        address,
        ok,
    )


async def _blocked(db: asyncpg.Connection, address: str) -> bool:
    found: bool = await db.fetchval(
        "SELECT EXISTS (SELECT 1 FROM cc_edge_blocks WHERE address = $1)", address
    )
    return found


async def test_failures_the_edge_records_block_the_address_and_the_edge_can_read_it(
    pool: Any, dsn: str, db: asyncpg.Connection, edge: asyncpg.Connection
) -> None:
    attacker, office = _addresses(2)
    await db.execute("DELETE FROM sip_blocks WHERE address = ANY($1::inet[])", [attacker, office])
    guard = SipGuard(pool, dsn, POLICY)
    await guard.start()
    try:
        await wait_for(lambda: guard.listening, 5)
        version = await edge.fetchval("SELECT version FROM cc_edge_blocks_version")
        await _outcome(edge, office, True)  # a seat authenticated there: spared
        for _ in range(POLICY.threshold):
            await _outcome(edge, attacker, False)
            await _outcome(edge, office, False)
        await wait_for(lambda: guard.blocks >= 1, 5)
        assert await _blocked(db, attacker)
        assert not await _blocked(db, office)
        # The edge sees the set change by its fingerprint, and reads the block as its role.
        assert await edge.fetchval("SELECT version FROM cc_edge_blocks_version") != version
        assert await edge.fetchval(
            "SELECT until > extract(epoch FROM now()) FROM cc_edge_blocks WHERE address = $1",
            attacker,
        )
    finally:
        await guard.stop()


async def test_a_restart_replays_windows_but_never_blocks_again(
    pool: Any, dsn: str, db: asyncpg.Connection, edge: asyncpg.Connection
) -> None:
    lifted, straddling = _addresses(2)
    await db.execute("DELETE FROM sip_blocks WHERE address = ANY($1::inet[])", [lifted, straddling])
    # Before the start: enough failures to block `lifted` (its block since lifted by an
    # operator), and one short of it for `straddling`.
    for _ in range(POLICY.threshold):
        await _outcome(edge, lifted, False)
    for _ in range(POLICY.threshold - 1):
        await _outcome(edge, straddling, False)
    guard = SipGuard(pool, dsn, POLICY)
    await guard.start()
    try:
        await wait_for(lambda: guard.listening, 5)
        await asyncio.sleep(0.3)
        assert not await _blocked(db, lifted)
        assert guard.blocks == 0
        # The window survived the restart: one more failure blocks `straddling`.
        await _outcome(edge, straddling, False)
        await wait_for(lambda: guard.blocks >= 1, 5)
        assert await _blocked(db, straddling)
    finally:
        await guard.stop()
