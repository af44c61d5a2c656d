"""Fixtures of the end-to-end suite: the real stack, and the app connected to it over AMI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from callcenter import keys
from callcenter.ami.client import AmiClient
from callcenter.app import create_app
from callcenter.devstack.cluster import build_cluster
from callcenter.devstack.sandbox import Sandbox

from stack import (
    AMI_SECRET,
    AMI_USER,
    CARRIER_AMI,
    LAYOUT,
    PLATFORM_AMI,
    PLATFORM_AMI_HOST,
    PLATFORM_HTTP,
    PLATFORM_SIP,
    Stack,
)
from support import CHROMIUM, ApiClient, browser_api, make_settings


@pytest_asyncio.fixture(scope="session")
async def stack(dsn: str, asterisk_dsn: str) -> AsyncIterator[Stack]:
    """The edge, two platform nodes and the carrier, pointed at the test database (the nodes
    and the edge as Asterisk's role). The first node is registered; the second is up for the
    tests that add it."""
    sandbox = await Sandbox.ensure()
    cluster = build_cluster(sandbox, asterisk_dsn, AMI_USER, AMI_SECRET, LAYOUT)
    await cluster.register(dsn, nodes=1)
    await cluster.start(nodes_up=1)
    carrier_ami = AmiClient("127.0.0.1", CARRIER_AMI, AMI_USER, AMI_SECRET)
    await carrier_ami.start()
    await carrier_ami.wait_ready()
    try:
        yield Stack(sandbox, cluster, carrier_ami, dsn)
    finally:
        await carrier_ami.stop()
        await cluster.stop()


async def control_plane(aiohttp_client: Any, stack: Stack, **settings: Any) -> ApiClient:
    """The control plane on the platform Asterisk's AMI, serving ``stack``'s prompts."""
    app = create_app(
        make_settings(
            stack.dsn,
            ami_enabled=True,
            ami_host=PLATFORM_AMI_HOST,
            ami_port=PLATFORM_AMI,
            ami_username=AMI_USER,
            ami_secret=AMI_SECRET,
            sip_host="127.0.0.1",
            sip_port=PLATFORM_SIP,
            prompts_dir=str(stack.platform.host_dir / "prompts"),
            **settings,
        )
    )
    client = await aiohttp_client(app)
    await app[keys.AMI].wait_ready()
    return ApiClient(client)


@pytest_asyncio.fixture
async def platform_api(aiohttp_client: Any, stack: Stack) -> ApiClient:
    """The control plane connected to the platform Asterisk over AMI."""
    return await control_plane(
        aiohttp_client, stack, recordings_dir=str(stack.platform.host_dir / "recordings")
    )


@pytest_asyncio.fixture
async def console_api(aiohttp_client: Any, stack: Stack) -> ApiClient:
    """The control plane on AMI, telling browsers where Asterisk's websocket is."""
    return await control_plane(
        aiohttp_client, stack, sip_ws_url=f"ws://127.0.0.1:{PLATFORM_HTTP}/ws"
    )


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Any]:
    """Debian's chromium, headless, with fake media devices (Playwright, never downloaded)."""
    playwright_api = browser_api()
    async with playwright_api.async_playwright() as pw:
        chromium = await pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--disable-features=WebRtcHideLocalIpsWithMdns",
            ],
        )
        try:
            yield chromium
        finally:
            await chromium.close()
