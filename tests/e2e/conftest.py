"""Fixtures of the end-to-end suite: the real stack, and the app connected to it over AMI."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

import pytest_asyncio

from callcenter import keys
from callcenter.ami.client import AmiClient
from callcenter.app import create_app
from callcenter.devstack.asterisk import AsteriskInstance
from callcenter.devstack.sandbox import Sandbox

from stack import (
    AMI_SECRET,
    AMI_USER,
    CARRIER_AMI,
    CARRIER_HOST,
    CARRIER_SIP,
    PLATFORM_AMI,
    PLATFORM_HTTP,
    PLATFORM_SIP,
    Stack,
)
from support import ApiClient, make_settings


@pytest_asyncio.fixture(scope="session")
async def stack(dsn: str) -> AsyncIterator[Stack]:
    """Platform and carrier Asterisk 22, pointed at the test database."""
    sandbox = await Sandbox.ensure()
    db = urlparse(dsn)
    common = {
        "DB_HOST": db.hostname or "127.0.0.1",
        "DB_PORT": str(db.port or 5432),
        "DB_NAME": db.path.lstrip("/"),
        "DB_USER": db.username or "postgres",
        "DB_PASS": db.password or "",
        "AMI_BIND": "127.0.0.1",
        "AMI_USER": AMI_USER,
        "AMI_SECRET": AMI_SECRET,
    }
    platform = AsteriskInstance(
        sandbox,
        "test-platform",
        "platform",
        {
            **common,
            "SIP_BIND": "127.0.0.1",
            "SIP_PORT": str(PLATFORM_SIP),
            "AMI_PORT": str(PLATFORM_AMI),
            "HTTP_PORT": str(PLATFORM_HTTP),
            "RTP_START": "22000",
            "RTP_END": "22999",
            "CARRIER_HOST": CARRIER_HOST,
            "CARRIER_PORT": str(CARRIER_SIP),
        },
    )
    carrier = AsteriskInstance(
        sandbox,
        "test-carrier",
        "carrier",
        {
            **common,
            "SIP_BIND": CARRIER_HOST,
            "SIP_PORT": str(CARRIER_SIP),
            "AMI_PORT": str(CARRIER_AMI),
            "RTP_START": "23000",
            "RTP_END": "23999",
            "PLATFORM_HOST": "127.0.0.1",
            "PLATFORM_PORT": str(PLATFORM_SIP),
        },
    )
    await asyncio.gather(platform.start(), carrier.start())
    carrier_ami = AmiClient("127.0.0.1", CARRIER_AMI, AMI_USER, AMI_SECRET)
    await carrier_ami.start()
    await carrier_ami.wait_ready()
    try:
        yield Stack(sandbox, platform, carrier, carrier_ami, dsn)
    finally:
        await carrier_ami.stop()
        await asyncio.gather(platform.stop(), carrier.stop())


@pytest_asyncio.fixture
async def platform_api(aiohttp_client: Any, stack: Stack) -> ApiClient:
    """The control plane connected to the platform Asterisk over AMI."""
    settings = make_settings(
        stack.dsn,
        ami_enabled=True,
        ami_port=PLATFORM_AMI,
        ami_username=AMI_USER,
        ami_secret=AMI_SECRET,
        sip_host="127.0.0.1",
        sip_port=PLATFORM_SIP,
    )
    app = create_app(settings)
    client = await aiohttp_client(app)
    await app[keys.AMI].wait_ready()
    return ApiClient(client)
