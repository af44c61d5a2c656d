"""Apply ``migrations/NNNN_name.sql`` in order, once each, under an advisory lock."""

from __future__ import annotations

import logging
from importlib import resources

import asyncpg

from callcenter.db.roles import APP_ROLE, ASTERISK_ROLE, HAND_OVER, PRIVILEGES, ensure_login

log = logging.getLogger(__name__)

_LOCK_KEY = 0x43414C4C  # any constant: serialises concurrent migrators


def migration_files() -> list[tuple[str, str]]:
    """The packaged migrations as (version, sql), sorted by version."""
    folder = resources.files("callcenter.db") / "migrations"
    found = [
        (p.name.removesuffix(".sql"), p.read_text(encoding="utf-8"))
        for p in folder.iterdir()
        if p.name.endswith(".sql")
    ]
    return sorted(found)


async def ensure_database(dsn: str) -> None:
    """Create the target database if it does not exist (connects to ``postgres`` to do so)."""
    try:
        conn = await asyncpg.connect(dsn)
    except asyncpg.InvalidCatalogNameError:
        base, _, name = dsn.rpartition("/")
        name = name.split("?", 1)[0]
        admin = await asyncpg.connect(base + "/postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        except asyncpg.DuplicateDatabaseError:
            pass
        finally:
            await admin.close()
    else:
        await conn.close()


async def migrate(dsn: str) -> list[str]:
    """Bring the schema up to date; return the versions applied now (idempotent)."""
    await ensure_database(dsn)
    conn = await asyncpg.connect(dsn)
    applied_now: list[str] = []
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for version, sql in migration_files():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)
                # What an admin created belongs to the control plane's role, Asterisk keeps
                # exactly its grants (0013 onwards; a no-op before).
                await conn.execute(HAND_OVER)
                await conn.execute(PRIVILEGES)
            log.info("applied migration %s", version)
            applied_now.append(version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
        await conn.close()
    return applied_now


async def migrate_with_roles(
    admin_dsn: str, app_dsn: str, asterisk_dsn: str | None = None
) -> list[str]:
    """Migrate as the admin, then set up the control plane's and Asterisk's login roles."""
    applied = await migrate(admin_dsn)
    await ensure_login(admin_dsn, app_dsn, APP_ROLE)
    if asterisk_dsn:
        await ensure_login(admin_dsn, asterisk_dsn, ASTERISK_ROLE)
    return applied
