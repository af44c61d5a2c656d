"""Helpers shared by the test suites (importable as ``support``)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from aiohttp.test_utils import TestClient

from callcenter.settings import Settings

PG_ADMIN = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
# Per run, like every secret of the test stacks: published ones are refused by `serve`.
OPERATOR = ("operator", "operator-" + secrets.token_urlsafe(12))
# Login roles of the test runs (db/roles.py): the control plane and Asterisk never use the
# superuser. Roles belong to the cluster: every run shares these, with these passwords.
APP_LOGIN = ("callcenter_test_app", "test-app-db-password")
ASTERISK_LOGIN = ("callcenter_test_asterisk", "test-asterisk-db-password")

Api = Callable[..., Awaitable[Any]]


def login_dsn(dsn: str, user: str, password: str) -> str:
    """``dsn`` with another user and password."""
    url = urlsplit(dsn)
    host = url.netloc.rpartition("@")[2]
    return urlunsplit(url._replace(netloc=f"{quote(user)}:{quote(password)}@{host}"))


def make_settings(dsn: str, **overrides: Any) -> Settings:
    """Test settings: operator bootstrap, AMI off unless a test turns it on, ``/metrics`` for
    operators' tokens only (every test client is on loopback, which production trusts)."""
    base: dict[str, Any] = {
        "dsn": dsn,
        "jwt_secret": "test-secret-" + "x" * 32,
        "ami_enabled": False,
        "operator_username": OPERATOR[0],
        "operator_password": OPERATOR[1],
        "metrics_allow": "",
    }
    return Settings(**{**base, **overrides})


class ApiClient:
    """Thin JSON helper over aiohttp's TestClient, remembering one bearer token."""

    def __init__(self, client: TestClient[Any, Any], token: str | None = None) -> None:
        self.client = client
        self.token = token

    def as_(self, token: str | None) -> ApiClient:
        """The same client with another identity."""
        return ApiClient(self.client, token)

    async def call(
        self, method: str, path: str, json: Any = None, expect: int | None = None
    ) -> Any:
        """Send a request; assert the status if given; return (status, body)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        resp = await self.client.request(method, path, json=json, headers=headers)
        body = await resp.json() if resp.content_type == "application/json" else None
        if expect is not None:
            assert resp.status == expect, (method, path, resp.status, body)
        return resp.status, body

    async def login(self, username: str, password: str) -> ApiClient:
        """A client holding the token of ``username``."""
        _, body = await self.call(
            "POST", "/api/v1/auth/token", {"username": username, "password": password}, expect=200
        )
        return self.as_(body["token"])


async def wait_for(predicate: Any, timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll an async or sync predicate until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(interval)


CHROMIUM = "/usr/bin/chromium"


def browser_api() -> Any:
    """playwright.async_api with Debian's chromium present; skips without them, except where
    CALLCENTER_REQUIRE_BROWSER is set (CI), where a missing browser fails the test."""
    import importlib
    from pathlib import Path

    import pytest

    reason = ""
    try:
        module = importlib.import_module("playwright.async_api")
    except ImportError:
        reason = "playwright is not installed"
    if not reason and not Path(CHROMIUM).exists():
        reason = "Debian's chromium is not installed (apt-get install chromium)"
    if not reason:
        return module
    if os.environ.get("CALLCENTER_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests required here: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@contextlib.asynccontextmanager
async def healthz_delays(client: TestClient[Any, Any], interval: float = 0.01) -> Any:
    """Probe ``/healthz`` on a connection of its own while the block runs; yields the list
    of response times it fills (seconds)."""
    import aiohttp

    delays: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        async with aiohttp.ClientSession() as session:
            while not done.is_set():
                start = time.perf_counter()
                async with session.get(client.make_url("/healthz")) as resp:
                    assert resp.status == 200
                delays.append(time.perf_counter() - start)
                await asyncio.sleep(interval)

    prober = asyncio.ensure_future(probe())
    try:
        yield delays
    finally:
        done.set()
        await prober
