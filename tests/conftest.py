"""Shared fixtures: a fresh PostgreSQL database per run, the app built by its own factory."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient

from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.settings import Settings

PG_ADMIN = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
OPERATOR = ("operator", "operator-password-1")

Api = Callable[..., Awaitable[Any]]


@pytest_asyncio.fixture(scope="session")
async def dsn() -> AsyncIterator[str]:
    """A brand-new, migrated database, dropped at the end of the run."""
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
async def db(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A direct connection for assertions on what landed in PostgreSQL."""
    conn = await asyncpg.connect(dsn)
    yield conn
    await conn.close()


def make_settings(dsn: str, **overrides: Any) -> Settings:
    """Test settings: operator bootstrap, AMI off unless a test turns it on."""
    base: dict[str, Any] = {
        "dsn": dsn, "jwt_secret": "test-secret-" + "x" * 32, "ami_enabled": False,
        "operator_username": OPERATOR[0], "operator_password": OPERATOR[1]}
    return Settings(**{**base, **overrides})


class ApiClient:
    """Thin JSON helper over aiohttp's TestClient, remembering one bearer token."""

    def __init__(self, client: TestClient[Any, Any], token: str | None = None) -> None:
        self.client = client
        self.token = token

    def as_(self, token: str | None) -> ApiClient:
        """The same client with another identity."""
        return ApiClient(self.client, token)

    async def call(self, method: str, path: str, json: Any = None,
                   expect: int | None = None) -> Any:
        """Send a request; assert the status if given; return (status, body)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        resp = await self.client.request(method, path, json=json, headers=headers)
        body = await resp.json() if resp.content_type == "application/json" else None
        if expect is not None:
            assert resp.status == expect, (method, path, resp.status, body)
        return resp.status, body

    async def login(self, username: str, password: str) -> ApiClient:
        """A client holding the token of ``username``."""
        _, body = await self.call("POST", "/api/v1/auth/token",
                                  {"username": username, "password": password}, expect=200)
        return self.as_(body["token"])


@pytest_asyncio.fixture
async def api(aiohttp_client: Any, dsn: str) -> ApiClient:
    """The control plane without Asterisk, as operators and tenants reach it."""
    client = await aiohttp_client(create_app(make_settings(dsn)))
    return ApiClient(client)


@pytest.fixture
def uid() -> str:
    """A short unique suffix so tests never collide on tenant ids or usernames."""
    return uuid.uuid4().hex[:6]
