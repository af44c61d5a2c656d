"""Shared fixtures: a fresh PostgreSQL database per run, the app built by its own factory."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.db.roles import APP_ROLE, ASTERISK_ROLE, ensure_login

from support import APP_LOGIN, ASTERISK_LOGIN, PG_ADMIN, ApiClient, login_dsn, make_settings


@pytest_asyncio.fixture(scope="session")
async def admin_dsn() -> AsyncIterator[str]:
    """A brand-new database migrated by the admin, dropped at the end of the run."""
    name = f"cc_test_{uuid.uuid4().hex[:10]}"
    url = f"{PG_ADMIN}/{name}"
    await migrate(url)
    assert await migrate(url) == [], "migrations must be idempotent"
    yield url
    admin = await asyncpg.connect(f"{PG_ADMIN}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest_asyncio.fixture(scope="session")
async def dsn(admin_dsn: str) -> str:
    """The control plane's DSN: a login role of callcenter_app, not the superuser."""
    url = login_dsn(admin_dsn, *APP_LOGIN)
    await ensure_login(admin_dsn, url, APP_ROLE)
    return url


@pytest_asyncio.fixture(scope="session")
async def asterisk_dsn(admin_dsn: str) -> str:
    """Asterisk's DSN: a login role of callcenter_asterisk."""
    url = login_dsn(admin_dsn, *ASTERISK_LOGIN)
    await ensure_login(admin_dsn, url, ASTERISK_ROLE)
    return url


@pytest_asyncio.fixture(scope="session")
async def db(admin_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct (admin) connection for assertions on what landed in PostgreSQL."""
    conn = await asyncpg.connect(admin_dsn)
    yield conn
    await conn.close()


@pytest_asyncio.fixture
async def api(aiohttp_client: Any, dsn: str) -> ApiClient:
    """The control plane without Asterisk, as operators and tenants reach it."""
    client = await aiohttp_client(create_app(make_settings(dsn)))
    return ApiClient(client)


@pytest.fixture
def uid() -> str:
    """A short unique suffix so tests never collide on tenant ids or usernames."""
    return uuid.uuid4().hex[:6]
