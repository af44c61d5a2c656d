"""The AMI adapter survives a cut connection and a silent one, and re-syncs each time."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from callcenter.ami.cluster import AmiCluster, NodeAddress, client_factory
from callcenter.asterisk.live import AsteriskSync

from stack import AMI_SECRET, AMI_USER, PLATFORM_AMI, PLATFORM_AMI_HOST, Stack

pytestmark = pytest.mark.e2e


class CuttableProxy:
    """A TCP proxy in front of AMI that a test can cut or silence."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream_port = upstream_port
        self.upstream_host = upstream_host
        self.silent = False
        self._pairs: list[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        self._pairs.append((writer, up_writer))

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    if not self.silent:
                        dst.write(data)
                        await dst.drain()
            dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    def cut(self) -> None:
        for a, b in self._pairs:
            a.transport.abort()
            b.transport.abort()
        self._pairs.clear()

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()


@pytest_asyncio.fixture
async def proxied_ami(
    stack: Stack, dsn: str, db: object
) -> AsyncIterator[tuple[AmiCluster, AsteriskSync, CuttableProxy]]:
    import asyncpg

    proxy = CuttableProxy(PLATFORM_AMI, PLATFORM_AMI_HOST)
    port = await proxy.start()
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    ami = AmiCluster(
        client_factory(AMI_USER, AMI_SECRET, ping_interval=0.5, ping_timeout=1.0, max_backoff=1.0),
        implicit=NodeAddress("local", "127.0.0.1", port),
    )
    sync = AsteriskSync(pool, ami, dsn)
    await ami.start()
    await ami.wait_ready()
    try:
        yield ami, sync, proxy
    finally:
        await ami.stop()
        await pool.close()
        await proxy.stop()


async def until(predicate: object, timeout: float) -> float:
    start = time.monotonic()
    while not predicate():  # type: ignore[operator]
        if time.monotonic() - start > timeout:
            raise TimeoutError
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def test_a_cut_connection_is_reconnected_within_two_seconds_and_state_resynced(
    proxied_ami: tuple[AmiCluster, AsteriskSync, CuttableProxy],
) -> None:
    ami, sync, proxy = proxied_ami
    await until(lambda: sync.resyncs >= 1, 5)
    connects, resyncs = ami.connects, sync.resyncs
    proxy.cut()
    took = await until(lambda: ami.connects > connects and ami.connected, 2.0)
    await until(lambda: sync.resyncs > resyncs, 2.0)
    reply = await ami.action("Ping")
    assert reply["Response"] == "Success"
    print(f"reconnected {took * 1000:.0f} ms after the cut")


async def test_a_silent_connection_is_detected_by_the_ping_watchdog(
    proxied_ami: tuple[AmiCluster, AsteriskSync, CuttableProxy],
) -> None:
    ami, _, proxy = proxied_ami
    connects = ami.connects
    proxy.silent = True  # TCP stays open, nothing comes back: panoramisk alone never notices
    await until(lambda: not ami.connected, 3.0)
    proxy.silent = False
    await until(lambda: ami.connects > connects and ami.connected, 5.0)
    assert (await ami.action("Ping"))["Response"] == "Success"
