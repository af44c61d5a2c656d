"""What the live call path keeps in memory (db/notified.py) follows the database: a change
is served within a second of its commit, and nothing is served from memory that a lost
listener might have missed."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from callcenter.db.notified import NotifiedCache
from callcenter.db.pool import create_pool
from callcenter.workspace import repo

from support import wait_for


@asynccontextmanager
async def _started(
    dsn: str, factory: Callable[[Any, str], NotifiedCache[Any, Any]]
) -> AsyncIterator[NotifiedCache[Any, Any]]:
    """A cache of ``factory`` over a pool of its own, listening until the block ends."""
    pool = await create_pool(dsn)
    cache = factory(pool, dsn)
    cache.start()
    try:
        yield cache
    finally:
        await cache.stop()
        await pool.close()


async def _tenant(db: Any, tid: str, crm_url: str | None = None) -> None:
    """A tenant, with a CRM lookup URL in its integrations when ``crm_url`` is given."""
    await db.execute("INSERT INTO tenants (id, name) VALUES ($1, $1)", tid)
    if crm_url is not None:
        await db.execute(
            "INSERT INTO tenant_integrations (tenant_id, crm_lookup_url) VALUES ($1, $2)",
            tid,
            crm_url,
        )


async def _crm_url(cache: NotifiedCache[str, Any], tenant: str) -> str | None:
    row = await cache.get(tenant)
    return None if row is None else str(row["crm_lookup_url"])


async def _listening(cache: NotifiedCache[Any, Any], key: Any) -> None:
    """Wait until the listener is up: a read is then kept (a second one is not a read)."""

    async def kept() -> bool:
        before = cache.reads
        await cache.get(key)
        await cache.get(key)
        return cache.reads - before < 2

    await wait_for(kept, timeout=5)


async def test_a_tenants_integrations_are_read_once_and_a_change_is_served_within_1_s(
    dsn: str, db: Any, uid: str
) -> None:
    tenant, other = f"nc{uid}", f"ncb{uid}"
    await _tenant(db, tenant, "http://crm.example/a")
    await _tenant(db, other, "http://crm.example/other")
    async with _started(dsn, repo.integrations_cache) as cache:
        await _listening(cache, tenant)
        assert await _crm_url(cache, other) == "http://crm.example/other"
        reads = cache.reads
        for _ in range(20):
            assert await _crm_url(cache, tenant) == "http://crm.example/a"
        assert cache.reads == reads, "a kept row is not read again"

        await db.execute(
            "UPDATE tenant_integrations SET crm_lookup_url = 'http://crm.example/b'"
            " WHERE tenant_id = $1",
            tenant,
        )
        changed = time.monotonic()
        await wait_for(lambda: _is(cache, tenant, "http://crm.example/b"), timeout=1.0)
        assert time.monotonic() - changed < 1.0
        # Only the tenant that changed was forgotten.
        reads = cache.reads
        assert await _crm_url(cache, other) == "http://crm.example/other"
        assert cache.reads == reads

        await db.execute("DELETE FROM tenant_integrations WHERE tenant_id = $1", tenant)
        await wait_for(lambda: _is(cache, tenant, None), timeout=1.0)


async def _is(cache: NotifiedCache[str, Any], tenant: str, url: str | None) -> bool:
    return await _crm_url(cache, tenant) == url


async def test_a_change_made_while_the_listener_was_down_is_not_served_from_memory(
    dsn: str, db: Any, uid: str
) -> None:
    tenant = f"nl{uid}"
    await _tenant(db, tenant, "http://crm.example/before")
    async with _started(dsn, repo.integrations_cache) as cache:
        await _listening(cache, tenant)
        # The listener's connection dies, and the row changes before anyone listens again:
        # its NOTIFY reaches nobody.
        killed = await db.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = 'cc-listen-cc_integrations' AND datname = current_database()"
        )
        assert killed == 1
        await db.execute(
            "UPDATE tenant_integrations SET crm_lookup_url = 'http://crm.example/after'"
            " WHERE tenant_id = $1",
            tenant,
        )
        await wait_for(lambda: _is(cache, tenant, "http://crm.example/after"), timeout=2.0)
        await _listening(cache, tenant)  # and it keeps rows again once it is back


async def test_a_queues_wrapup_time_follows_acd_queues(dsn: str, db: Any, uid: str) -> None:
    tenant = f"nw{uid}"
    await _tenant(db, tenant)
    await db.execute(
        "INSERT INTO acd_queues (tenant_id, name, extension, strategy, ring_timeout,"
        " wrapup_time) VALUES ($1, 'sales', '600', 'rrmemory', 20, 5)",
        tenant,
    )
    async with _started(dsn, repo.wrapup_cache) as cache:
        await _listening(cache, (tenant, "sales"))
        assert await cache.get((tenant, "sales")) == 5
        assert await cache.get((tenant, "nope")) == 0
        await db.execute(
            "UPDATE acd_queues SET wrapup_time = 30 WHERE tenant_id = $1 AND name = 'sales'",
            tenant,
        )

        async def thirty() -> bool:
            return await cache.get((tenant, "sales")) == 30

        await wait_for(thirty, timeout=1.0)
